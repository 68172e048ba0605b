package com.example.gateway.tenant;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A cost centre as the admin API shows it, with the tenants in it and this month's (UTC) consumption of its budget:
 * what its tenants' calls cost ({@code spentUsd}, adjustments included), what calls in flight hold, and what is left
 * ({@code null} without a budget).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record CostCentreView(String id, String name, BigDecimal monthlyBudgetUsd, List<String> tenants,
        BigDecimal spentUsd, BigDecimal reservedUsd, BigDecimal remainingUsd, Instant createdAt, Instant updatedAt) {
}
