package com.example.gateway.quota;

import java.math.BigDecimal;
import java.util.Map;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Prices, in USD. A model is enabled when it is the default model or listed under {@code models}; a listed model is
 * priced per image ({@code usd-per-image}, times {@code samples}) or per call ({@code usd-per-call}), and otherwise at the
 * default per-image price.
 */
@Validated
@ConfigurationProperties("gateway.pricing")
record PricingProperties(@NotBlank @DefaultValue("octoflat") String defaultModel,
        @NotNull @PositiveOrZero @DefaultValue("0.0047") BigDecimal defaultUsdPerImage,
        @DefaultValue Map<String, ModelPrice> models) {

    record ModelPrice(@PositiveOrZero BigDecimal usdPerImage, @PositiveOrZero BigDecimal usdPerCall) {
    }
}
