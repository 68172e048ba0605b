package com.example.gateway.report;

import java.time.Clock;
import java.time.YearMonth;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Usage and statements for finance, as JSON or CSV; the admin token guards everything under {@code /admin}. Both are
 * aggregations, so the admin token has a request rate like every tenant. The call listing has none: a page is a
 * bounded index scan, and an export pages through thousands of them.
 */
@RestController
@Tag(name = "Admin: reports", description = "Usage and monthly statements from the call ledger, as JSON or CSV")
class ReportAdminController {

    private final LedgerReports reports;
    private final ReportRateLimiter rateLimiter;
    private final Clock clock;

    ReportAdminController(LedgerReports reports, ReportRateLimiter rateLimiter, Clock clock) {
        this.reports = reports;
        this.rateLimiter = rateLimiter;
        this.clock = clock;
    }

    @GetMapping("/admin/usage")
    @Operation(summary = "Usage of all tenants over UTC days, grouped by tenant, day, model, key, cost centre, "
            + "project and/or a tag",
            description = "from and to are UTC days, both included, at most 366 days apart. groupBy combines tenant, "
                    + "day, model, key, costCentre, project and one tag:<key>, comma-separated (default tenant); each "
                    + "row carries only those. tenant, costCentre and project filter. billedCalls cost something; "
                    + "failedCalls ended neither success nor processing; images count billed calls only. costUsd is "
                    + "the calls' cost, adjustmentsUsd the adjustments of the months whose first day is in the range "
                    + "(an adjustment has no day, model, key or tag: grouped by one of those it is a row with them "
                    + "empty), totalUsd both. CSV with ?format=csv or Accept: text/csv (rows only; total is their "
                    + "sum).")
    @ApiResponse(responseCode = "200", content = {
            @Content(mediaType = "application/json", schema = @Schema(implementation = UsageReport.class)),
            @Content(mediaType = "text/csv", schema = @Schema(type = "string")) })
    ResponseEntity<Object> usage(@RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String groupBy,
            @RequestParam(required = false) String tenant, @RequestParam(required = false) String costCentre,
            @RequestParam(required = false) String project, @RequestParam(required = false) String format,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
        rateLimiter.acquire(ReportRateLimiter.ADMIN);
        ReportFormat chosen = ReportFormat.of(format, accept);
        UsageQuery query = UsageQuery.parse(from, to, groupBy, tenant, costCentre, project);
        UsageReport report = reports.usage(query);
        return ReportResponses.in(chosen, report, ReportCsv::usage);
    }

    @GetMapping("/admin/tenants/{id}/statement")
    @Operation(summary = "A tenant's statement for one month (UTC), per day, model and unit price",
            description = "month is YYYY-MM, the current UTC month by default. callsUsd is the exact sum of the "
                    + "tenant's calls in the month, adjustmentsUsd of its adjustments, totalUsd both: the tenant's "
                    + "ledger for the month. Limits are the tenant's current settings. CSV with ?format=csv or "
                    + "Accept: text/csv (lines only).")
    @ApiResponse(responseCode = "200", content = {
            @Content(mediaType = "application/json", schema = @Schema(implementation = Statement.class)),
            @Content(mediaType = "text/csv", schema = @Schema(type = "string")) })
    ResponseEntity<Object> statement(@PathVariable String id, @RequestParam(required = false) String month,
            @RequestParam(required = false) String format,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
        rateLimiter.acquire(ReportRateLimiter.ADMIN);
        ReportFormat chosen = ReportFormat.of(format, accept);
        YearMonth period = UtcPeriod.month(month, clock);
        Statement statement = reports.statement(id, period);
        return ReportResponses.in(chosen, statement, ReportCsv::statement);
    }
}
