package com.example.gateway.quota;

import java.time.Instant;

import com.example.gateway.units.Money;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A price as the admin API shows it: amounts as exact decimal strings, either the per-image or the per-call pair set,
 * and {@code effectiveTo} the instant the model's next price replaces it (null while none is scheduled).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record PriceView(Long id, String model, String usdPerImage, String usdPerCall, String modelsLabUsdPerImage,
        String modelsLabUsdPerCall, Instant effectiveFrom, Instant effectiveTo) {

    static PriceView of(Price price, Instant effectiveTo) {
        return new PriceView(price.id(), price.model(), Money.plain(price.usdPerImage()),
                Money.plain(price.usdPerCall()), Money.plain(price.modelsLabUsdPerImage()),
                Money.plain(price.modelsLabUsdPerCall()), price.effectiveFrom(), effectiveTo);
    }
}
