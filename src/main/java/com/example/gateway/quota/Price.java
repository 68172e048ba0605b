package com.example.gateway.quota;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One row of the price table: a model's tenant price, per image or per call (exactly one is set), the ModelsLab cost
 * expected for the same unit, and the instant from which it applies (until the model's next price).
 */
record Price(Long id, String model, BigDecimal usdPerImage, BigDecimal usdPerCall, BigDecimal modelsLabUsdPerImage,
        BigDecimal modelsLabUsdPerCall, Instant effectiveFrom) {

    /** A price not yet in the table; the expected ModelsLab cost defaults to the tenant price. */
    static Price of(String model, BigDecimal usdPerImage, BigDecimal usdPerCall, BigDecimal modelsLabUsd,
            Instant effectiveFrom) {
        BigDecimal expected = modelsLabUsd != null ? modelsLabUsd : usdPerImage != null ? usdPerImage : usdPerCall;
        return usdPerImage != null ? new Price(null, model, usdPerImage, null, expected, null, effectiveFrom)
                : new Price(null, model, null, usdPerCall, null, expected, effectiveFrom);
    }

    PriceQuote quote(int images) {
        if (usdPerImage != null) {
            BigDecimal count = BigDecimal.valueOf(images);
            BigDecimal expected = modelsLabUsdPerImage != null ? modelsLabUsdPerImage : usdPerImage;
            return new PriceQuote(id, usdPerImage, usdPerImage.multiply(count), expected.multiply(count));
        }
        return new PriceQuote(id, usdPerCall, usdPerCall, modelsLabUsdPerCall != null ? modelsLabUsdPerCall : usdPerCall);
    }
}
