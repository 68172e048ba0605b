package com.example.gateway.quota;

import java.util.UUID;

/** A call asking to be admitted: what for, and who it is billed to. Its price is set at admission, from the price list. */
public record AdmissionRequest(UUID requestId, String modelId, String endpoint, int images, String idempotencyKey,
        byte[] promptSha256, Attribution attribution) {

    /** The admitted call, once the key told whose it is. */
    Admission by(String tenantId, UUID keyId, String costCentreId, PriceQuote quote) {
        return new Admission(requestId, tenantId, keyId, costCentreId, modelId, endpoint, images, quote.amountUsd(),
                idempotencyKey, promptSha256, quote.priceId(), quote.unitPriceUsd(), quote.expectedModelsLabUsd(),
                attribution);
    }
}
