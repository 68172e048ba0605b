package com.example.gateway.report;

import java.time.LocalDate;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A tenant's monthly statement: its current limits, one line per UTC day, model and unit price with calls (a price
 * that changed within a day gives two lines, each explained by its unit price), and the month's
 * totals. {@code callsUsd} is the exact sum of the tenant's calls in the month, and of the lines' {@code costUsd};
 * {@code adjustmentsUsd} the month's adjustments of the tenant; {@code totalUsd} both, the tenant's ledger for the month.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Statement(String tenant, String name, String month, String monthlyBudgetUsd, Integer dailyRequestLimit,
        Integer requestsPerMinute, Integer maxConcurrent, List<Line> lines, long calls, long billedCalls, long images,
        String callsUsd, String adjustmentsUsd, String totalUsd) {

    @Schema(name = "StatementLine")
    public record Line(LocalDate day, String model, String unitPriceUsd, long calls, long billedCalls, long images,
            String costUsd) {
    }
}
