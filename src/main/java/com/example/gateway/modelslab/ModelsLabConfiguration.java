package com.example.gateway.modelslab;

import io.netty.channel.ChannelOption;
import io.netty.resolver.DefaultAddressResolverGroup;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The WebClient for ModelsLab, with a pool of its own: Boot has no properties for pool size, and without one Reactor
 * Netty's global pool caps the gateway at 16 connections on a 2-core machine.
 */
@Configuration(proxyBeanMethods = false)
class ModelsLabConfiguration {

    @Bean(destroyMethod = "dispose")
    ConnectionProvider modelsLabConnectionProvider(ModelsLabProperties properties) {
        return ConnectionProvider.builder("modelslab")
            .maxConnections(properties.maxConnections())
            .pendingAcquireMaxCount(properties.maxConnections() * 10)
            .pendingAcquireTimeout(properties.pendingAcquireTimeout())
            .maxIdleTime(java.time.Duration.ofSeconds(30))
            .build();
    }

    @Bean
    WebClient modelsLabWebClient(WebClient.Builder builder, ConnectionProvider modelsLabConnectionProvider,
            ModelsLabProperties properties) {
        // The JDK resolver (OS configuration and caching) instead of Netty's own DNS client, which failed
        // intermittently under load here even for IP literals.
        HttpClient httpClient = ModelsLabClient.reportingSentRequests(HttpClient.create(modelsLabConnectionProvider)
            .resolver(DefaultAddressResolverGroup.INSTANCE)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.connectTimeout().toMillis())
            .responseTimeout(properties.responseTimeout()));
        return builder.baseUrl(properties.baseUrl().toString())
            .clientConnector(new ReactorClientHttpConnector(httpClient))
            .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(properties.maxResponseSize()))
            .build();
    }
}
