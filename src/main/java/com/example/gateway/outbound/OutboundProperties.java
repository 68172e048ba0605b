package com.example.gateway.outbound;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param allowPrivateTargets lets outbound targets resolve to loopback and private addresses (10/8, 172.16/12,
 * 192.168/16, 100.64/10, fc00::/7), for receivers on premises; link-local (the cloud metadata endpoint), unspecified and
 * multicast addresses stay refused even then
 */
@Validated
@ConfigurationProperties("gateway.webhooks")
public record OutboundProperties(@DefaultValue("false") boolean allowPrivateTargets) {
}
