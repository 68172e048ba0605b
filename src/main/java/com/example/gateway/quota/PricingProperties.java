package com.example.gateway.quota;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Configured prices, in USD: they seed the price table on the first start and are otherwise only a fallback, for a
 * model with no price of the table in effect. A model is configured when it is the default model or listed under
 * {@code models}; a listed model is priced per image ({@code usd-per-image}, times {@code samples}) or per call
 * ({@code usd-per-call}), and otherwise at the default per-image price. {@code refresh-interval} is how often a replica
 * reads the price table again, which must be well below the lead time with which prices are scheduled.
 */
@Validated
@ConfigurationProperties("gateway.pricing")
record PricingProperties(@NotBlank @DefaultValue("octoflat") String defaultModel,
        @NotNull @PositiveOrZero @DefaultValue("0.0047") BigDecimal defaultUsdPerImage,
        @DefaultValue Map<String, ModelPrice> models, @NotNull @DefaultValue("5s") Duration refreshInterval) {

    record ModelPrice(@PositiveOrZero BigDecimal usdPerImage, @PositiveOrZero BigDecimal usdPerCall) {
    }

    /** The configured price of a model, or null when it is not configured. */
    Price priceOf(String model, Instant effectiveFrom) {
        ModelPrice price = models.get(model);
        if (price == null && !defaultModel.equals(model)) {
            return null;
        }
        if (price != null && price.usdPerCall() != null) {
            return Price.of(model, null, price.usdPerCall(), null, effectiveFrom);
        }
        BigDecimal perImage = price != null && price.usdPerImage() != null ? price.usdPerImage() : defaultUsdPerImage;
        return Price.of(model, perImage, null, null, effectiveFrom);
    }

    /** Every configured price, for the first start's seed. */
    List<Price> all(Instant effectiveFrom) {
        List<Price> all = new ArrayList<>();
        all.add(priceOf(defaultModel, effectiveFrom));
        models.keySet().stream().filter(model -> !model.equals(defaultModel)).sorted()
            .forEach(model -> all.add(priceOf(model, effectiveFrom)));
        return all;
    }
}
