package com.example.gateway.quota;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;

/**
 * Why the admission statement refused a call, as it says in its {@code refusal} column: the one place where a failed
 * limit becomes the client's answer. The limits themselves are written once, in {@link QuotaStatements#RESERVE}.
 */
enum Refusal {

    TENANT_SUSPENDED, BUDGET_EXHAUSTED, COST_CENTRE_BUDGET_EXHAUSTED, KEY_BUDGET_EXHAUSTED, DAILY_LIMIT, RATE_LIMITED,
    KEY_RATE_LIMITED, TOO_MANY_CONCURRENT;

    static Refusal of(String column) {
        return column == null ? null : valueOf(column.toUpperCase(java.util.Locale.ROOT));
    }

    /**
     * @param day the day window the call was counted in, and {@code minute} the minute window (both the row's, which
     * never move back)
     */
    GatewayException toException(String tenantId, String costCentreId, Instant now, LocalDate day,
            OffsetDateTime minute) {
        return switch (this) {
            case TENANT_SUSPENDED -> new GatewayException(ErrorCode.TENANT_SUSPENDED);
            case BUDGET_EXHAUSTED -> new AdmissionRefused(tenantId, ErrorCode.BUDGET_EXHAUSTED,
                    "The monthly budget of this tenant cannot cover this call.", null);
            case COST_CENTRE_BUDGET_EXHAUSTED -> new AdmissionRefused(tenantId, ErrorCode.BUDGET_EXHAUSTED,
                    "The monthly budget of cost centre '" + costCentreId + "' cannot cover this call.", null);
            case KEY_BUDGET_EXHAUSTED -> new AdmissionRefused(tenantId, ErrorCode.BUDGET_EXHAUSTED,
                    "The monthly budget of this key cannot cover this call.", null);
            case DAILY_LIMIT -> new AdmissionRefused(tenantId, ErrorCode.DAILY_LIMIT,
                    "The daily request limit of this tenant is reached.",
                    roundUp(Duration.between(now, day.plusDays(1).atStartOfDay(ZoneOffset.UTC))));
            case RATE_LIMITED -> new AdmissionRefused(tenantId, ErrorCode.RATE_LIMITED,
                    "Too many requests per minute for this tenant.",
                    roundUp(Duration.between(now, minute.plusMinutes(1))));
            case KEY_RATE_LIMITED -> new AdmissionRefused(tenantId, ErrorCode.RATE_LIMITED,
                    "Too many requests per minute for this key.", roundUp(Duration.between(now, minute.plusMinutes(1))));
            case TOO_MANY_CONCURRENT -> new AdmissionRefused(tenantId, ErrorCode.TOO_MANY_CONCURRENT,
                    "Too many calls of this tenant are in flight.", Duration.ofSeconds(1));
        };
    }

    private static Duration roundUp(Duration duration) {
        long seconds = duration.toSeconds() + (duration.toNanosPart() > 0 ? 1 : 0);
        return Duration.ofSeconds(Math.max(1, seconds));
    }
}
