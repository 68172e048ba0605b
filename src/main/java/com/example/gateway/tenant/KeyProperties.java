package com.example.gateway.tenant;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The secret that keys the HMAC under which tenant keys are stored ({@code GATEWAY_KEY_HMAC_SECRET}). Changing it
 * invalidates every tenant key. Required outside the {@code local} profile (see {@link KeyHasher}).
 */
@ConfigurationProperties("gateway.keys")
record KeyProperties(String hmacSecret) {
}
