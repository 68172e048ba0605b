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
 * What finance bills from: the month's chargeback per cost centre, tenant and project, and a cost centre's statement.
 * Both are aggregations, so they share the admin token's report rate with usage and tenant statements.
 */
@RestController
@Tag(name = "Admin: bill-back", description = "Chargeback and cost-centre statements, as JSON or CSV")
class BillBackController {

    private final LedgerReports reports;
    private final ReportRateLimiter rateLimiter;
    private final Clock clock;

    BillBackController(LedgerReports reports, ReportRateLimiter rateLimiter, Clock clock) {
        this.reports = reports;
        this.rateLimiter = rateLimiter;
        this.clock = clock;
    }

    @GetMapping("/admin/chargeback")
    @Operation(summary = "The month's chargeback per cost centre, tenant and project (UTC)",
            description = "month is YYYY-MM, the current UTC month by default. One row per cost centre, tenant and "
                    + "project recorded with the calls and adjustments (null, or empty in CSV, where there was none); "
                    + "costUsd is the calls' cost, adjustmentsUsd the month's adjustments, totalUsd both. The "
                    + "answer's totalUsd is the exact sum of the month's ledger. Every amount is an exact decimal "
                    + "string. CSV with ?format=csv or Accept: text/csv (rows only; their totalUsd adds up to it).")
    @ApiResponse(responseCode = "200", content = {
            @Content(mediaType = "application/json", schema = @Schema(implementation = Chargeback.class)),
            @Content(mediaType = "text/csv", schema = @Schema(type = "string")) })
    ResponseEntity<Object> chargeback(@RequestParam(required = false) String month,
            @RequestParam(required = false) String format,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
        rateLimiter.acquire(ReportRateLimiter.ADMIN);
        ReportFormat chosen = ReportFormat.of(format, accept);
        Chargeback chargeback = reports.chargeback(UtcPeriod.month(month, clock));
        return ReportResponses.in(chosen, chargeback, ReportCsv::chargeback);
    }

    @GetMapping("/admin/cost-centres/{id}/statement")
    @Operation(summary = "A cost centre's statement for one month (UTC), per tenant, project and model, with its "
            + "adjustments",
            description = "month is YYYY-MM, the current UTC month by default. lines are the calls recorded with the "
                    + "cost centre, per tenant, project and model; adjustments are listed one by one. callsUsd plus "
                    + "adjustmentsUsd is totalUsd, the exact sum of the cost centre's ledger for the month. The budget "
                    + "is the cost centre's current one. CSV with ?format=csv or Accept: text/csv: the lines, then "
                    + "one line per adjustment (model empty, kind and reason filled).")
    @ApiResponse(responseCode = "200", content = {
            @Content(mediaType = "application/json", schema = @Schema(implementation = CostCentreStatement.class)),
            @Content(mediaType = "text/csv", schema = @Schema(type = "string")) })
    ResponseEntity<Object> statement(@PathVariable String id, @RequestParam(required = false) String month,
            @RequestParam(required = false) String format,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
        rateLimiter.acquire(ReportRateLimiter.ADMIN);
        ReportFormat chosen = ReportFormat.of(format, accept);
        YearMonth period = UtcPeriod.month(month, clock);
        CostCentreStatement statement = reports.costCentreStatement(id, period);
        return ReportResponses.in(chosen, statement, ReportCsv::costCentreStatement);
    }
}
