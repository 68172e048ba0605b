package com.example.gateway.tenant;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A tenant key as the admin API shows it: its own limits ({@code null}: none) and this month's (UTC) spending of its
 * calls; {@code key} is present only in the answer that created it.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record KeyView(UUID id, String name, @JsonInclude(JsonInclude.Include.NON_NULL) String key, String prefix,
        Instant createdAt, Instant revokedAt, BigDecimal monthlyBudgetUsd, Integer requestsPerMinute,
        BigDecimal spentUsd, BigDecimal reservedUsd, BigDecimal remainingUsd) {
}
