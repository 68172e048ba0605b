package com.example.gateway.report;

import java.time.LocalDate;
import java.util.Arrays;

import com.example.gateway.quota.CallOutcome;

/** What {@code GET /admin/calls} was asked for, validated; every filter is optional. */
public record CallQuery(String tenant, LocalDate from, LocalDate to, String outcome, CallCursor after, int limit) {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 500;

    public static CallQuery parse(String tenant, String from, String to, String outcome, String cursor, String limit) {
        LocalDate first = UtcPeriod.day("from", from);
        LocalDate last = UtcPeriod.day("to", to);
        UtcPeriod.requireOrdered(first, last);
        if (outcome != null && Arrays.stream(CallOutcome.values()).noneMatch(o -> o.dbValue().equals(outcome))) {
            throw UtcPeriod.invalid("Parameter 'outcome' must be one of "
                    + String.join(", ", Arrays.stream(CallOutcome.values()).map(CallOutcome::dbValue).toList()) + ".");
        }
        return new CallQuery(tenant, first, last, outcome, cursor == null ? null : CallCursor.decode(cursor),
                limit(limit));
    }

    private static int limit(String limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(limit);
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        }
        catch (NumberFormatException ex) {
            // falls through to the error below
        }
        throw UtcPeriod.invalid("Parameter 'limit' must be a whole number from 1 to " + MAX_LIMIT + ".");
    }
}
