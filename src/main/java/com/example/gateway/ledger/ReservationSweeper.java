package com.example.gateway.ledger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import com.example.gateway.quota.QuotaProperties;
import com.example.gateway.units.Utc;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Cleans up after replicas that died mid-call. A reservation that no replica will settle is released and its call
 * recorded in the ledger as {@code abandoned}, uncharged: one statement, and {@code SKIP LOCKED} lets every replica
 * sweep at once without sweeping a reservation twice. A call that was recorded but whose second settlement step never
 * ran (see {@link LedgerWriter}) is applied to its tenant's quota row, exactly once.
 */
@Component
class ReservationSweeper implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(ReservationSweeper.class);

    /** Recorded calls still holding their reservation this long after settling were left by a dead replica. */
    private static final Duration APPLY_AFTER = Duration.ofSeconds(10);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final QuotaProperties properties;
    private final LedgerWriter writer;
    private final Counter swept;

    ReservationSweeper(JdbcClient jdbc, Clock clock, QuotaProperties properties, LedgerWriter writer,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.properties = properties;
        this.writer = writer;
        this.swept = Counter.builder("gateway.reservations.swept")
            .description("Reservations released because their replica never settled them")
            .register(meters);
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(new FixedDelayTask(this::sweepOnSchedule, properties.sweepInterval(),
                properties.sweepInterval()));
    }

    void sweepOnSchedule() {
        try {
            sweep();
        }
        catch (RuntimeException ex) {
            log.warn("Reservation sweep failed: {}", ex.getMessage());
        }
    }

    /** @return how many reservations were released or applied */
    int sweep() {
        return releaseAbandoned() + applyRecorded();
    }

    private int releaseAbandoned() {
        Instant now = clock.instant();
        int released = jdbc.sql(LedgerStatements.SWEEP)
            .param("cutoff", Utc.of(now.minus(properties.sweepAfter())))
            .param("now", Utc.of(now))
            .query(Integer.class)
            .single();
        if (released > 0) {
            swept.increment(released);
            log.warn("Released {} reservations left behind by a replica that never settled them", released);
        }
        return released;
    }

    private int applyRecorded() {
        Map<String, List<UUID>> recorded = new TreeMap<>();
        jdbc.sql(LedgerStatements.RECORDED).param(Utc.of(clock.instant().minus(APPLY_AFTER))).query((RowCallbackHandler) rs ->
                recorded.computeIfAbsent(rs.getString(1), tenant -> new ArrayList<>()).add(rs.getObject(2, UUID.class)));
        int applied = 0;
        for (Map.Entry<String, List<UUID>> tenant : recorded.entrySet()) {
            if (writer.applyLeftOver(tenant.getValue()) > 0) {
                log.warn("Applied {} recorded calls of tenant {} that a replica left unapplied",
                        tenant.getValue().size(), tenant.getKey());
                applied += tenant.getValue().size();
            }
        }
        return applied;
    }
}
