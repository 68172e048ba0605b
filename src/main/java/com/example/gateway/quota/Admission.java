package com.example.gateway.quota;

import java.math.BigDecimal;
import java.util.UUID;

/** A call asking to be admitted: who asks, for what, and the exact price to reserve. */
public record Admission(UUID requestId, String tenantId, UUID keyId, String modelId, String endpoint, int images,
        BigDecimal price, String idempotencyKey, byte[] promptSha256) {
}
