package com.example.gateway.report;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The month's bill-back, the file finance imports: one row per cost centre, tenant and project (each {@code null}
 * where calls and adjustments had none), and {@code totalUsd}, the exact sum of the month's ledger: every call's cost
 * and every adjustment.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Chargeback(String month, List<Row> rows, long calls, long images, String costUsd, String adjustmentsUsd,
        String totalUsd) {

    /**
     * @param images images of billed calls
     * @param costUsd the calls' cost
     * @param adjustmentsUsd the month's credits (negative) and debits of this cost centre, tenant and project
     * @param totalUsd {@code costUsd} plus {@code adjustmentsUsd}
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "ChargebackRow")
    public record Row(String costCentre, String tenant, String project, long calls, long images, String costUsd,
            String adjustmentsUsd, String totalUsd) {
    }
}
