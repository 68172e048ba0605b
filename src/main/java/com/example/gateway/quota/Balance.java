package com.example.gateway.quota;

import java.math.BigDecimal;

/**
 * What is left of a tenant's monthly budget after a settlement.
 * @param remainingUsd {@code null} when the tenant has no budget
 * @param alertRecorded whether the settlement crossed a budget alert threshold (to be delivered after commit)
 */
public record Balance(BigDecimal remainingUsd, boolean alertRecorded) {

    public static Balance of(BigDecimal remainingUsd) {
        return new Balance(remainingUsd, false);
    }

    public String header() {
        return remainingUsd == null ? "unlimited" : remainingUsd.stripTrailingZeros().toPlainString();
    }
}
