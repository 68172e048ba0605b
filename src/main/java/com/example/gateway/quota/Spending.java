package com.example.gateway.quota;

import java.math.BigDecimal;

/**
 * A key's or a cost centre's consumption in the current calendar month (UTC): what its calls cost and what calls in
 * flight hold.
 */
public record Spending(BigDecimal spentUsd, BigDecimal reservedUsd) {

    public static final Spending NONE = new Spending(BigDecimal.ZERO, BigDecimal.ZERO);

    /** @return what {@code budget} leaves, or {@code null} without a budget */
    public BigDecimal remainingOf(BigDecimal budget) {
        return budget == null ? null : budget.subtract(spentUsd).subtract(reservedUsd);
    }
}
