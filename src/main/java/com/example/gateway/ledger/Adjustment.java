package com.example.gateway.ledger;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A credit (negative) or debit (positive) of a tenant's spending in one month: a ledger entry of its own, never an
 * edit of a call's row.
 *
 * @param kind {@code manual} (an admin's) or {@code failed_generation_credit} (a charged call whose generation failed)
 * @param requestId the call a credit for a failed generation refers to, else null
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Adjustment(UUID id, String tenant, String costCentre, String project,
        @JsonFormat(pattern = "yyyy-MM") YearMonth month, BigDecimal amountUsd, String reason, String kind,
        UUID requestId, Instant createdAt) {

    public static final String MANUAL = "manual";

    public static final String FAILED_GENERATION_CREDIT = "failed_generation_credit";
}
