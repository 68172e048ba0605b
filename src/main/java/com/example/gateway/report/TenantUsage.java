package com.example.gateway.report;

import java.time.LocalDate;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * What a tenant sees of its own month: spent (its calls and the month's adjustments), held by calls in flight, what is
 * left of the budget ({@code null}: no budget), its limits, one entry per UTC day with calls, and, when asked for
 * ({@code groupBy=project}), one per project.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TenantUsage(String tenant, String month, String monthlyBudgetUsd, String spentUsd, String adjustmentsUsd,
        String reservedUsd, String remainingUsd, Integer dailyRequestLimit, Integer requestsPerMinute,
        Integer maxConcurrent, long calls, List<Day> days,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<Project> projects) {

    @Schema(name = "UsageDay")
    public record Day(LocalDate day, long calls, String costUsd) {
    }

    /** @param project {@code null} for calls and adjustments without a project */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "UsageProject")
    public record Project(String project, long calls, String costUsd, String adjustmentsUsd, String totalUsd) {
    }
}
