package com.example.gateway.proxy;

import java.net.URI;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param publicBaseUrl the gateway's address as clients see it, used in the {@code fetch_result} it returns; when
 * unset, taken from each request (honouring {@code X-Forwarded-*})
 * @param maxBodySize larger request bodies get 413 before anything else is looked at
 */
@ConfigurationProperties("gateway.proxy")
record ProxyProperties(URI publicBaseUrl, @DefaultValue("64KB") DataSize maxBodySize) {
}
