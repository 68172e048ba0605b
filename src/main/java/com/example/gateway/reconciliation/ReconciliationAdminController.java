package com.example.gateway.reconciliation;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import com.example.gateway.report.ReportFormat;
import com.example.gateway.report.ReportResponses;
import com.example.gateway.units.Utc;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The reconciliation report and recorded top-ups; the admin token guards everything under {@code /admin}. */
@RestController
@Tag(name = "Admin: reconciliation", description = "ModelsLab's own wallet against the call ledger")
class ReconciliationAdminController {

    private static final Duration MAX_RANGE = Duration.ofDays(31);

    private final Reconciliation reconciliation;
    private final TopUps topUps;
    private final Clock clock;

    ReconciliationAdminController(Reconciliation reconciliation, TopUps topUps, Clock clock) {
        this.reconciliation = reconciliation;
        this.topUps = topUps;
        this.clock = clock;
    }

    @GetMapping("/admin/reconciliation")
    @Operation(summary = "ModelsLab's spending against the ledger, per interval between balance snapshots",
            description = "from and to are instants (ISO 8601 with offset) or UTC days (YYYY-MM-DD; to includes its "
                    + "day), at most 31 days apart; by default the last 24 hours. modelsLabSpentUsd is the balance's "
                    + "drop plus top-ups; ledgerChargedUsd the calls settled in the interval; expectedModelsLabUsd "
                    + "their expected ModelsLab cost (what each call's price says ModelsLab takes); driftUsd the first "
                    + "minus the expected one. CSV with ?format=csv or Accept: text/csv (intervals only).")
    @ApiResponse(responseCode = "200", content = {
            @Content(mediaType = "application/json", schema = @Schema(implementation = ReconciliationReport.class)),
            @Content(mediaType = "text/csv", schema = @Schema(type = "string")) })
    ResponseEntity<Object> report(@RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String format,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
        ReportFormat chosen = ReportFormat.of(format, accept);
        Instant end = to == null ? clock.instant() : instant("to", to, true);
        Instant start = from == null ? end.minus(Duration.ofDays(1)) : instant("from", from, false);
        if (start.isAfter(end)) {
            throw invalid("Parameter 'from' must not be after 'to'.");
        }
        if (Duration.between(start, end).compareTo(MAX_RANGE) > 0) {
            throw invalid("Parameters 'from' and 'to' must be at most 31 days apart.");
        }
        ReconciliationReport report = reconciliation.report(start, end);
        if (chosen == ReportFormat.JSON) {
            return ReportResponses.json(report);
        }
        return ReportResponses.csv("reconciliation.csv",
                List.of("from", "to", "balanceAtStartUsd", "balanceAtEndUsd", "topUpsUsd", "topUpDetected",
                        "modelsLabSpentUsd", "ledgerChargedUsd", "expectedModelsLabUsd", "driftUsd", "driftPercent",
                        "inFlightAtStart", "inFlightAtEnd", "upstreamTimeouts", "upstreamUnknown", "gaps"),
                report.intervals(),
                row -> List.of(row.from(), row.to(), row.balanceAtStartUsd(), row.balanceAtEndUsd(), row.topUpsUsd(),
                        row.topUpDetected(), row.modelsLabSpentUsd(), row.ledgerChargedUsd(),
                        row.expectedModelsLabUsd(), row.driftUsd(), row.driftPercent() == null ? "" : row.driftPercent(),
                        row.inFlightAtStart(), row.inFlightAtEnd(), row.upstreamTimeouts(), row.upstreamUnknown(),
                        row.gaps()));
    }

    @PostMapping("/admin/reconciliation/top-ups")
    @Operation(summary = "Record a top-up of ModelsLab's account",
            description = "amountUsd (string or number, > 0, at most 10 digits before the point and 8 after) is "
                    + "required; at (ISO 8601 with offset) is when it was paid in, now by default; note is free text "
                    + "up to 500 characters. The interval holding at counts the top-up as paid in.")
    @ApiResponse(responseCode = "201", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = TopUps.TopUp.class)))
    ResponseEntity<TopUps.TopUp> recordTopUp(@RequestBody TopUpRequest request) {
        return ResponseEntity.status(HttpStatus.CREATED)
            .body(topUps.record(request.amountUsd(), request.at(), request.note()));
    }

    private static Instant instant(String name, String value, boolean endOfDay) {
        try {
            if (value.length() == 10) {
                LocalDate day = LocalDate.parse(value);
                return Utc.startOf(endOfDay ? day.plusDays(1) : day).toInstant();
            }
            return OffsetDateTime.parse(value).toInstant();
        }
        catch (DateTimeParseException ex) {
            throw invalid("Parameter '" + name + "' must be an instant in ISO 8601 with an offset, or a day as "
                    + "YYYY-MM-DD.");
        }
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(ErrorCode.INVALID_REQUEST, message);
    }

    /** A top-up as an admin records it. */
    record TopUpRequest(BigDecimal amountUsd, OffsetDateTime at, String note) {
    }
}
