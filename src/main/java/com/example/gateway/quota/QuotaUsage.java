package com.example.gateway.quota;

import java.math.BigDecimal;

/** A tenant's consumption in the current windows (calendar month and day, UTC). */
public record QuotaUsage(BigDecimal spentUsd, BigDecimal reservedUsd, BigDecimal remainingUsd, int callsToday,
        int inFlight) {
}
