package com.example.gateway.quota;

import java.math.BigDecimal;
import java.util.UUID;

/**
 * An admitted call: whose (key, tenant, and the tenant's cost centre when it was admitted or null), for what, and the
 * exact price reserved, with the price it came from ({@code priceId}, {@code unitPriceUsd}) and the ModelsLab cost
 * expected for it, which its ledger row keeps, as it keeps the call's {@link Attribution}.
 */
public record Admission(UUID requestId, String tenantId, UUID keyId, String costCentreId, String modelId,
        String endpoint, int images, BigDecimal price, String idempotencyKey, byte[] promptSha256, Long priceId,
        BigDecimal unitPriceUsd, BigDecimal expectedModelsLabUsd, Attribution attribution) {
}
