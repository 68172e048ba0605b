package com.example.gateway.report;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The answer of {@code GET /admin/usage}. Each row carries only the dimensions grouped by ({@code keyPrefix} comes with
 * {@code key}; {@code tag} is the value of the tag grouped by); {@code total} adds up every row.
 */
public record UsageReport(LocalDate from, LocalDate to, List<String> groupBy, List<Row> rows, Totals total) {

    /**
     * A group. A row whose day, model, key and tag are all empty while the report is grouped by one of them holds
     * adjustments (they belong to a month, not a day, model, key or tag), or calls without the tag.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "UsageRow")
    public record Row(String tenant, LocalDate day, String model, UUID key, String keyPrefix, String costCentre,
            String project, String tag, long calls, long billedCalls, long failedCalls, long images, String costUsd,
            String adjustmentsUsd, String totalUsd) {
    }

    /**
     * @param billedCalls calls that cost something
     * @param failedCalls calls whose outcome is neither {@code success} nor {@code processing}; a timeout or an
     * unknown outcome ({@code upstream_unknown}) is charged, so it counts as both billed and failed
     * @param images the images of billed calls only: what was paid for
     * @param costUsd the calls' exact sum, as a plain decimal string
     * @param adjustmentsUsd the exact sum of the adjustments of the months whose first day is in the range
     * @param totalUsd {@code costUsd} plus {@code adjustmentsUsd}
     */
    @Schema(name = "UsageTotals")
    public record Totals(long calls, long billedCalls, long failedCalls, long images, String costUsd, String adjustmentsUsd,
            String totalUsd) {
    }
}
