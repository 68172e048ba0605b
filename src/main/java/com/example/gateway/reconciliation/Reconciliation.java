package com.example.gateway.reconciliation;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import com.example.gateway.units.Money;
import com.example.gateway.units.Utc;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Builds the reconciliation report from the snapshots, the recorded top-ups and the ledger. */
@Component
public class Reconciliation {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private final JdbcClient jdbc;

    Reconciliation(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public ReconciliationReport report(Instant from, Instant to) {
        List<Figures> figures = intervals(from, to);
        List<ReconciliationReport.Gap> gaps = jdbc.sql(ReconciliationStatements.GAPS)
            .param("from", Utc.of(from))
            .param("to", Utc.of(to))
            .query((rs, n) -> new ReconciliationReport.Gap(rs.getObject("taken_at", OffsetDateTime.class),
                    rs.getString("failure")))
            .list();
        BigDecimal topUps = BigDecimal.ZERO;
        BigDecimal spent = BigDecimal.ZERO;
        BigDecimal charged = BigDecimal.ZERO;
        BigDecimal expected = BigDecimal.ZERO;
        long timeouts = 0;
        long unknown = 0;
        long gapCount = 0;
        for (Figures interval : figures) {
            topUps = topUps.add(interval.topUps());
            spent = spent.add(interval.spent());
            charged = charged.add(interval.charged);
            expected = expected.add(interval.expected);
            timeouts += interval.timeouts;
            unknown += interval.unknown;
            gapCount += interval.gaps;
        }
        BigDecimal drift = spent.subtract(expected);
        return new ReconciliationReport(Utc.of(from), Utc.of(to),
                figures.stream().map(Figures::interval).toList(), gaps,
                new ReconciliationReport.Totals(Money.plain(topUps), Money.plain(spent), Money.plain(charged),
                        Money.plain(expected), Money.plain(drift), percent(drift, expected), timeouts, unknown,
                        gapCount));
    }

    /** The drift of the newest interval between two usable snapshots, if there are two. */
    public Optional<BigDecimal> latestDrift() {
        List<OffsetDateTime> latest = jdbc.sql(ReconciliationStatements.LATEST_TWO)
            .query(OffsetDateTime.class)
            .list();
        if (latest.size() < 2) {
            return Optional.empty();
        }
        return intervals(latest.get(1).toInstant(), latest.get(0).toInstant()).stream()
            .reduce((first, second) -> second)
            .map(Figures::drift);
    }

    public Optional<BigDecimal> latestBalance() {
        return jdbc.sql(ReconciliationStatements.LATEST_BALANCE).query(BigDecimal.class).optional();
    }

    private List<Figures> intervals(Instant from, Instant to) {
        return jdbc.sql(ReconciliationStatements.INTERVALS)
            .param("from", Utc.of(from))
            .param("to", Utc.of(to))
            .query((rs, n) -> new Figures(rs.getObject("start_at", OffsetDateTime.class),
                    rs.getObject("end_at", OffsetDateTime.class), rs.getBigDecimal("start_balance"),
                    rs.getBigDecimal("end_balance"), rs.getInt("start_in_flight"), rs.getInt("end_in_flight"),
                    rs.getBigDecimal("recorded_top_ups"), rs.getLong("gaps"), rs.getBigDecimal("charged"),
                    rs.getBigDecimal("expected"), rs.getLong("timeouts"), rs.getLong("unknown")))
            .list();
    }

    /** {@code drift} as a percentage of {@code expected}, to two decimals; none when nothing was expected. */
    private static String percent(BigDecimal drift, BigDecimal expected) {
        if (expected.signum() == 0) {
            return null;
        }
        return Money.plain(drift.multiply(HUNDRED).divide(expected, 2, RoundingMode.HALF_EVEN));
    }

    /** One interval's figures as PostgreSQL summed them, and what follows from them. */
    private record Figures(OffsetDateTime start, OffsetDateTime end, BigDecimal startBalance, BigDecimal endBalance,
            int startInFlight, int endInFlight, BigDecimal recordedTopUps, long gaps, BigDecimal charged,
            BigDecimal expected, long timeouts, long unknown) {

        /** The balance's rise: a top-up at least this large happened, recorded or not. */
        BigDecimal rise() {
            return endBalance.subtract(startBalance).max(BigDecimal.ZERO);
        }

        BigDecimal topUps() {
            return recordedTopUps.max(rise());
        }

        /** What ModelsLab took: the balance's drop plus whatever was paid in meanwhile. */
        BigDecimal spent() {
            return startBalance.subtract(endBalance).add(topUps());
        }

        BigDecimal drift() {
            return spent().subtract(expected);
        }

        ReconciliationReport.Interval interval() {
            return new ReconciliationReport.Interval(start, end, Money.plain(startBalance), Money.plain(endBalance),
                    Money.plain(topUps()), rise().compareTo(recordedTopUps) > 0, Money.plain(spent()),
                    Money.plain(charged), Money.plain(expected), Money.plain(drift()), percent(drift(), expected),
                    startInFlight, endInFlight, timeouts, unknown, gaps);
        }
    }
}
