package com.example.gateway.quota;

import java.util.UUID;

/** A call asking to be admitted: what for. Its price is set at admission, from the price list. */
public record AdmissionRequest(UUID requestId, String modelId, String endpoint, int images, String idempotencyKey,
        byte[] promptSha256) {

    /** The admitted call, once the key told whose it is. */
    Admission by(String tenantId, UUID keyId, PriceQuote quote) {
        return new Admission(requestId, tenantId, keyId, modelId, endpoint, images, quote.amountUsd(), idempotencyKey,
                promptSha256, quote.priceId(), quote.unitPriceUsd(), quote.expectedModelsLabUsd());
    }
}
