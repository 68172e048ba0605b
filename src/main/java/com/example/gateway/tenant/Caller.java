package com.example.gateway.tenant;

import java.util.UUID;

/** The tenant and key behind an authenticated client request. */
public record Caller(String tenantId, UUID keyId) {
}
