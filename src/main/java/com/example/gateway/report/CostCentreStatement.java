package com.example.gateway.report;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A cost centre's monthly statement: its calls per tenant, project and model, its adjustments one by one, and
 * {@code totalUsd}, the exact sum of the ledger for the cost centre and month ({@code callsUsd} plus
 * {@code adjustmentsUsd}). Tenant and project are those recorded with each call and adjustment.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record CostCentreStatement(String costCentre, String name, String month, String monthlyBudgetUsd, List<Line> lines,
        List<Adjustment> adjustments, long calls, long billedCalls, long images, String callsUsd,
        String adjustmentsUsd, String totalUsd) {

    @Schema(name = "CostCentreStatementLine")
    public record Line(String tenant, String project, String model, long calls, long billedCalls, long images,
            String costUsd) {
    }

    /** @param requestId the call a {@code failed_generation_credit} credits; {@code null} for a manual one */
    @Schema(name = "CostCentreStatementAdjustment")
    public record Adjustment(UUID id, String tenant, String project, String kind, String reason, UUID requestId,
            String amountUsd, Instant createdAt) {
    }
}
