package com.example.gateway.web;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The admin token ({@code GATEWAY_ADMIN_TOKEN}) that finance and ops tools send as a Bearer token. Left empty, every
 * admin endpoint answers 401.
 */
@ConfigurationProperties("gateway")
public record AdminProperties(String adminToken) {
}
