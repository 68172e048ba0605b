package com.example.gateway.report;

import java.time.LocalDate;
import java.util.Set;

/** What {@code GET /admin/usage} was asked for, validated. */
public record UsageQuery(UtcPeriod period, Set<Dimension> groupBy) {

    /** A year, leap day included: enough for any finance question, and a bound on what one request scans. */
    static final int MAX_DAYS = 366;

    public static UsageQuery parse(String from, String to, String groupBy) {
        if (from == null || to == null) {
            throw UtcPeriod.invalid(
                    "Parameters 'from' and 'to' are required, as YYYY-MM-DD (UTC days, both included).");
        }
        LocalDate first = UtcPeriod.day("from", from);
        LocalDate last = UtcPeriod.day("to", to);
        UtcPeriod.requireOrdered(first, last);
        UtcPeriod period = new UtcPeriod(first, last);
        if (period.days() > MAX_DAYS) {
            throw UtcPeriod.invalid("A usage report covers at most " + MAX_DAYS + " days.");
        }
        return new UsageQuery(period, Dimension.parseAll(groupBy));
    }

    boolean by(Dimension dimension) {
        return groupBy.contains(dimension);
    }
}
