package com.example.gateway.quota;

import java.math.BigDecimal;

/** What is left of a tenant's monthly budget; {@code remainingUsd} is {@code null} when the tenant has no budget. */
public record Balance(BigDecimal remainingUsd) {

    public String header() {
        return remainingUsd == null ? "unlimited" : remainingUsd.stripTrailingZeros().toPlainString();
    }
}
