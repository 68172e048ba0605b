package com.example.gateway.ledger;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Credits and debits of a tenant's spending; the admin token guards everything under {@code /admin}. */
@RestController
@RequestMapping("/admin/tenants/{id}/adjustments")
@Tag(name = "Admin: adjustments", description = "Credits and debits of a tenant's monthly spending")
class AdjustmentAdminController {

    private final Adjustments adjustments;
    private final Clock clock;

    AdjustmentAdminController(Adjustments adjustments, Clock clock) {
        this.adjustments = adjustments;
        this.clock = clock;
    }

    /**
     * @param amountUsd negative for a credit; NUMERIC(18,8)'s bounds
     * @param month YYYY-MM, the current UTC month when absent
     */
    record NewAdjustment(
            @Schema(types = { "string", "number" }, requiredMode = Schema.RequiredMode.REQUIRED,
                    description = "USD, negative for a credit, not zero, at most 10 digits before the point and 8 "
                            + "after; kept exact") BigDecimal amountUsd,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = 500) String reason,
            @Schema(pattern = "\\d{4}-\\d{2}", description = "YYYY-MM, the current UTC month by default") String month,
            @Schema(pattern = "[a-z0-9._-]{1,64}") String project) {
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Record a credit or debit of a tenant's spending",
            description = "An entry of its own in the ledger: it never edits a call's row. It moves the tenant's and "
                    + "its cost centre's spending for that month (budgets follow at once when it is the current "
                    + "month), and shows in statements and reports as its own line. month defaults to the current "
                    + "UTC month and may not be a month to come.")
    Adjustment record(@PathVariable String id, @RequestBody NewAdjustment body) {
        // The rules are checked by Adjustments.record, for the console too.
        return adjustments.record(id, body.amountUsd(), body.reason(), month(body.month()), body.project());
    }

    @GetMapping
    @Operation(summary = "List a tenant's adjustments of one month")
    List<Adjustment> list(@PathVariable String id,
            @Parameter(description = "YYYY-MM, the current UTC month by default") @RequestParam(required = false)
            String month) {
        return adjustments.list(id, month(month));
    }

    private YearMonth month(String month) {
        if (month == null) {
            return YearMonth.now(clock.withZone(ZoneOffset.UTC));
        }
        try {
            return YearMonth.parse(month);
        }
        catch (DateTimeParseException ex) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST, "Invalid field 'month' must be YYYY-MM.");
        }
    }
}
