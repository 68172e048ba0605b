package com.example.gateway.report;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import com.example.gateway.units.Utc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sums days of the ledger that can no longer change into {@code call_ledger_daily}, so a month's report reads thousands
 * of summed rows instead of millions of calls (bench/REPORTS.md). A day is sealed, oldest first, once it ended
 * {@code seal-after} ago and no reservation of it is left. Its rows can then no longer change: a call's row is written
 * from its reservation, or by its replica within {@code modelslab.response-timeout} plus the settlement's retries of
 * its admission, and the admission instant is the row's {@code created_at}. The one assumption is that replicas'
 * clocks are within {@code seal-after} (a day by default) of each other. Reports read this table below
 * {@code sealed_until} and the ledger from there on, in one snapshot ({@link Reports}), so they stay exact.
 * <p>
 * Runs on the main pool, on every replica; a transaction-scoped advisory lock lets one at a time seal, each day in a
 * transaction of its own.
 */
@Component
class LedgerRollup implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(LedgerRollup.class);
    private static final long LOCK = 0x6c65646765727275L;
    private static final String SEAL = ReportStatements.load("rollup-seal.sql");

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final ReportsProperties.Rollup properties;
    private final Clock clock;

    LedgerRollup(JdbcClient jdbc, TransactionTemplate transactions, ReportsProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.properties = properties.rollup();
        this.clock = clock;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        if (properties.enabled()) {
            registrar.addFixedDelayTask(new FixedDelayTask(this::sealOnSchedule, properties.interval(),
                    properties.interval()));
        }
    }

    void sealOnSchedule() {
        try {
            int days = sealDue();
            if (days > 0) {
                log.info("Summed {} day(s) of the ledger for reports", days);
            }
        }
        catch (RuntimeException ex) {
            log.warn("Ledger days not summed: {}", ex.getMessage());
        }
    }

    /** Seals the days that are due, at most {@code days-per-run}; answers how many days with calls it sealed. */
    int sealDue() {
        int sealed = 0;
        while (sealed < properties.daysPerRun() && Boolean.TRUE.equals(transactions.execute(status -> sealNext()))) {
            sealed++;
        }
        return sealed;
    }

    /** One transaction: seals the oldest unsealed day with calls, or moves over empty days; true when it sealed one. */
    private boolean sealNext() {
        if (!jdbc.sql("SELECT pg_try_advisory_xact_lock(?)").param(LOCK).query(Boolean.class).single()) {
            return false;
        }
        Instant now = clock.instant();
        LocalDate sealedUntil = jdbc.sql("SELECT sealed_until FROM call_ledger_daily_seal WHERE id = 1 FOR UPDATE")
            .query(LocalDate.class)
            .optional()
            .orElse(null);
        // Days before the limit ended seal-after ago and hold no reservation.
        LocalDate limit = jdbc.sql("""
                SELECT least((:cutoff AT TIME ZONE 'UTC')::date,
                             (SELECT (min(created_at) AT TIME ZONE 'UTC')::date FROM reservation))
                """).param("cutoff", Utc.of(now.minus(properties.sealAfter()))).query(LocalDate.class).single();
        String firstDayWithCalls = "SELECT (min(created_at) AT TIME ZONE 'UTC')::date FROM call_ledger"
                + (sealedUntil == null ? "" : " WHERE created_at >= :from");
        LocalDate next = (sealedUntil == null ? jdbc.sql(firstDayWithCalls)
                : jdbc.sql(firstDayWithCalls).param("from", Utc.startOf(sealedUntil)))
            .query(LocalDate.class)
            .optional()
            .orElse(null);
        if (next == null || !next.isBefore(limit)) {
            if (sealedUntil == null || limit.isAfter(sealedUntil)) {
                mark(limit, now);
            }
            return false;
        }
        jdbc.sql(SEAL)
            .param("day", next)
            .param("from", Utc.startOf(next))
            .param("to", Utc.startOf(next.plusDays(1)))
            .update();
        mark(next.plusDays(1), now);
        return true;
    }

    private void mark(LocalDate sealedUntil, Instant now) {
        jdbc.sql("UPDATE call_ledger_daily_seal SET sealed_until = :until, sealed_at = :now WHERE id = 1")
            .param("until", sealedUntil)
            .param("now", now.atOffset(ZoneOffset.UTC))
            .update();
    }
}
