package com.example.gateway.reconciliation;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import com.example.gateway.modelslab.ModelsLabClient;
import com.example.gateway.modelslab.WalletBalance;
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
 * Snapshots ModelsLab's balance every {@code gateway.reconciliation.interval}. Every replica runs the schedule; a
 * transaction-scoped advisory lock lets one at a time in, and one that finds a snapshot younger than half an interval
 * leaves it, so the deployment takes about one snapshot per interval whichever replicas live. A failed wallet call is
 * recorded as a gap and counted, never thrown. After each tick every replica sets its gauges from the newest snapshots,
 * so all replicas publish the same figures.
 */
@Component
class WalletSnapshots implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(WalletSnapshots.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final ModelsLabClient modelsLab;
    private final ReconciliationProperties properties;
    private final Clock clock;
    private final ReconciliationMetrics metrics;

    WalletSnapshots(JdbcClient jdbc, TransactionTemplate transactions, ModelsLabClient modelsLab,
            ReconciliationProperties properties, Clock clock, ReconciliationMetrics metrics) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.modelsLab = modelsLab;
        this.properties = properties;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(new FixedDelayTask(this::snapshotOnSchedule, properties.interval(),
                properties.interval()));
    }

    void snapshotOnSchedule() {
        try {
            take(true);
        }
        catch (RuntimeException ex) {
            // The database is away; the next tick tries again. Nothing of the wallet's answer is in this message.
            log.warn("Balance snapshot failed: {}", ex.getMessage());
        }
        try {
            metrics.refresh();
        }
        catch (RuntimeException ex) {
            log.warn("Reconciliation gauges not refreshed: {}", ex.getMessage());
        }
    }

    /**
     * Takes a snapshot now, unless another replica is taking one.
     * @return the snapshot, or empty when another replica held the lock
     */
    Optional<Snapshot> snapshot() {
        Optional<Snapshot> taken = take(false);
        metrics.refresh();
        return taken;
    }

    private Optional<Snapshot> take(boolean onlyIfDue) {
        return transactions.execute(status -> {
            if (!jdbc.sql(ReconciliationStatements.TRY_LOCK)
                .param(ReconciliationStatements.SNAPSHOT_LOCK)
                .query(Boolean.class)
                .single()) {
                return Optional.empty();
            }
            if (onlyIfDue && !due()) {
                return Optional.empty();
            }
            // The lock is held across the wallet call (a second at most, normally), so no other replica takes the
            // same snapshot meanwhile; this costs one pooled connection on one replica per interval.
            WalletBalance wallet = modelsLab.walletBalance();
            // PostgreSQL keeps microseconds: the instant returned must be the one stored, to the last digit.
            Instant takenAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
            int inFlight = jdbc.sql(ReconciliationStatements.IN_FLIGHT).query(Integer.class).single();
            Snapshot snapshot = switch (wallet) {
                case WalletBalance.Known known -> new Snapshot(takenAt, known.usd(), null, inFlight);
                case WalletBalance.Unknown gap -> new Snapshot(takenAt, null, gap.reason(), inFlight);
            };
            jdbc.sql(ReconciliationStatements.INSERT_SNAPSHOT)
                .param("takenAt", Utc.of(takenAt))
                .param("balance", snapshot.balanceUsd())
                .param("failure", snapshot.failure())
                .param("inFlight", inFlight)
                .update();
            if (snapshot.failure() != null) {
                metrics.gap();
                log.warn("ModelsLab's balance is unknown at {}, recorded as a gap: {}", takenAt, snapshot.failure());
            }
            return Optional.of(snapshot);
        });
    }

    /** Whether no replica took a snapshot in the last half interval. */
    private boolean due() {
        OffsetDateTime last = jdbc.sql(ReconciliationStatements.LAST_TAKEN).query(OffsetDateTime.class).single();
        return last == null || !last.toInstant().isAfter(clock.instant().minus(properties.interval().dividedBy(2)));
    }

    /**
     * One snapshot of ModelsLab's balance.
     * @param balanceUsd {@code null} for a gap
     * @param failure why there is a gap; {@code null} otherwise
     */
    record Snapshot(Instant takenAt, BigDecimal balanceUsd, String failure, int inFlight) {
    }
}
