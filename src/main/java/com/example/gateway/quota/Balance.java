package com.example.gateway.quota;

import java.math.BigDecimal;

import com.example.gateway.units.Money;

/**
 * What is left of a tenant's monthly budget after a settlement.
 * @param remainingUsd {@code null} when the tenant has no budget, or when it is not known
 * @param known {@code false} when the call was recorded but the balance could not be read (the database failed between
 * the two settlement steps)
 * @param alertRecorded whether the settlement crossed a budget alert threshold (to be delivered after commit)
 */
public record Balance(BigDecimal remainingUsd, boolean known, boolean alertRecorded) {

    /** The call is recorded; its effect on the quota is applied later, so the balance is not known yet. */
    public static final Balance UNKNOWN = new Balance(null, false, false);

    public static Balance of(BigDecimal remainingUsd) {
        return new Balance(remainingUsd, true, false);
    }

    public static Balance of(BigDecimal remainingUsd, boolean alertRecorded) {
        return new Balance(remainingUsd, true, alertRecorded);
    }

    public String header() {
        if (!known) {
            return "unknown";
        }
        return remainingUsd == null ? "unlimited" : Money.plain(remainingUsd);
    }
}
