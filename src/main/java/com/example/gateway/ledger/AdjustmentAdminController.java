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
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

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
            @NotNull @Digits(integer = 10, fraction = 8) @DecimalMin("-9999999999.99999999")
            @DecimalMax("9999999999.99999999") @Schema(types = { "string", "number" },
                    description = "USD, negative for a credit, not zero; kept exact") BigDecimal amountUsd,
            @NotBlank @Size(max = 500) String reason,
            @Pattern(regexp = "\\d{4}-\\d{2}", message = "must be YYYY-MM") String month,
            @Pattern(regexp = "[a-z0-9._-]{1,64}", message = "must be 1 to 64 of a-z, 0-9, '.', '_' and '-'")
            String project) {
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Record a credit or debit of a tenant's spending",
            description = "An entry of its own in the ledger: it never edits a call's row. It moves the tenant's and "
                    + "its cost centre's spending for that month (budgets follow at once when it is the current "
                    + "month), and shows in statements and reports as its own line. month defaults to the current "
                    + "UTC month and may not be a month to come.")
    Adjustment record(@PathVariable String id, @Valid @RequestBody NewAdjustment body) {
        if (body.amountUsd().signum() == 0) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST, "Invalid field 'amountUsd' must not be zero.");
        }
        return adjustments.record(id, body.amountUsd(), body.reason().strip(), month(body.month()), body.project());
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
