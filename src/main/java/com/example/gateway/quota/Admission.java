package com.example.gateway.quota;

import java.math.BigDecimal;
import java.util.UUID;

/**
 * An admitted call: whose (tenant and key), for what, and the exact price reserved, with the price it came from
 * ({@code priceId}, {@code unitPriceUsd}) and the ModelsLab cost expected for it, which its ledger row keeps.
 */
public record Admission(UUID requestId, String tenantId, UUID keyId, String modelId, String endpoint, int images,
        BigDecimal price, String idempotencyKey, byte[] promptSha256, Long priceId, BigDecimal unitPriceUsd,
        BigDecimal expectedModelsLabUsd) {
}
