package com.example.gateway.quota;

import java.math.BigDecimal;

import org.springframework.stereotype.Component;

/** What a call costs, known before it is forwarded, so that exactly that amount can be reserved. */
@Component
public class PriceList {

    private final PricingProperties pricing;

    PriceList(PricingProperties pricing) {
        this.pricing = pricing;
    }

    public String defaultModel() {
        return pricing.defaultModel();
    }

    public boolean isEnabled(String modelId) {
        return pricing.defaultModel().equals(modelId) || pricing.models().containsKey(modelId);
    }

    /** The exact price of one call to an enabled model generating {@code images} images. */
    public BigDecimal priceOf(String modelId, int images) {
        PricingProperties.ModelPrice price = pricing.models().get(modelId);
        if (price != null && price.usdPerCall() != null) {
            return price.usdPerCall();
        }
        BigDecimal perImage = price != null && price.usdPerImage() != null ? price.usdPerImage()
                : pricing.defaultUsdPerImage();
        return perImage.multiply(BigDecimal.valueOf(images));
    }
}
