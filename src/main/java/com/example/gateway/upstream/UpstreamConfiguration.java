package com.example.gateway.upstream;

import java.util.Objects;
import java.util.UUID;

import com.example.gateway.quota.QuotaProperties;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(UpstreamProperties.class)
class UpstreamConfiguration {

    /** The cap under its new name, else under the name it had before the queue ({@code gateway.quota.*}). */
    @Bean
    QueueSettings queueSettings(UpstreamProperties upstream, QuotaProperties quota) {
        Integer cap = upstream.maxInFlight() != null ? upstream.maxInFlight() : quota.upstreamMaxInFlight();
        String host = Objects.requireNonNullElse(System.getenv("HOSTNAME"), "replica");
        String instance = (host.length() > 60 ? host.substring(0, 60) : host) + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        return new QueueSettings(cap, upstream.maxQueueWait(), upstream.pollInterval(), upstream.instanceTimeout(),
                upstream.capRecovery(), instance);
    }
}
