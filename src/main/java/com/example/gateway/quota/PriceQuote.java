package com.example.gateway.quota;

import java.math.BigDecimal;

/**
 * What one call costs, fixed at its admission: the price it was priced at ({@code priceId}, null for the configured
 * fallback), that price's unit (per image or per call), the amount reserved and charged, and what ModelsLab is
 * expected to charge the company for it.
 */
public record PriceQuote(Long priceId, BigDecimal unitPriceUsd, BigDecimal amountUsd,
        BigDecimal expectedModelsLabUsd) {
}
