package com.example.gateway.quota;

import java.math.BigDecimal;
import java.util.UUID;

/** A call asking to be admitted under a tenant key: what for, and the exact price to reserve. */
public record AdmissionRequest(UUID requestId, String modelId, String endpoint, int images, BigDecimal price,
        String idempotencyKey, byte[] promptSha256) {

    /** The admitted call, once the key told whose it is. */
    Admission by(String tenantId, UUID keyId) {
        return new Admission(requestId, tenantId, keyId, modelId, endpoint, images, price, idempotencyKey,
                promptSha256);
    }
}
