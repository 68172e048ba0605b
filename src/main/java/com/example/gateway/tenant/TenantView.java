package com.example.gateway.tenant;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A tenant as the admin API shows it: its limits and, when asked for one tenant, this month's consumption. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TenantView(String id, String name, BigDecimal monthlyBudgetUsd, Integer dailyRequestLimit,
        Integer requestsPerMinute, Integer maxConcurrent, boolean suspended, String alertWebhookUrl,
        List<Integer> alertThresholds, String costCentre, List<String> webhookAllowedHosts, int upstreamShare,
        Instant createdAt, Instant updatedAt, BigDecimal spentUsd, BigDecimal reservedUsd, BigDecimal remainingUsd,
        Integer callsToday, Integer inFlight) {
}
