package com.example.gateway.report;

import java.time.LocalDate;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * What a tenant sees of its own month: spent, held by calls in flight, what is left of the budget ({@code null}:
 * no budget), its limits, and one entry per UTC day with calls.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TenantUsage(String tenant, String month, String monthlyBudgetUsd, String spentUsd, String reservedUsd,
        String remainingUsd, Integer dailyRequestLimit, Integer requestsPerMinute, Integer maxConcurrent, long calls,
        List<Day> days) {

    @Schema(name = "UsageDay")
    public record Day(LocalDate day, long calls, String costUsd) {
    }
}
