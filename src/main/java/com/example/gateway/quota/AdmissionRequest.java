package com.example.gateway.quota;

import java.math.BigDecimal;
import java.util.UUID;

/** A call asking to be admitted: what for. Its price is set at admission, from the price list. */
public record AdmissionRequest(UUID requestId, String modelId, String endpoint, int images, String idempotencyKey,
        byte[] promptSha256) {

    /** The admitted call, once the key told whose it is. */
    Admission by(String tenantId, UUID keyId, BigDecimal price) {
        return new Admission(requestId, tenantId, keyId, modelId, endpoint, images, price, idempotencyKey,
                promptSha256);
    }
}
