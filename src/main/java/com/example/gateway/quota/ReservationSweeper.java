package com.example.gateway.quota;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Cleans up after replicas that died mid-call. A reservation that no replica will settle is released and its call
 * recorded in the ledger as {@code abandoned}, uncharged: one statement, and {@code SKIP LOCKED} lets every replica
 * sweep at once without sweeping a reservation twice. A call that was recorded but whose second settlement step never
 * ran (see {@link SettlementWriter}) is applied to its tenant's quota row, exactly once.
 */
@Component
class ReservationSweeper {

    private static final Logger log = LoggerFactory.getLogger(ReservationSweeper.class);

    private static final String SWEEP = """
            WITH swept AS (
                DELETE FROM reservation WHERE request_id IN (
                    SELECT request_id FROM reservation r WHERE created_at < :cutoff
                      AND NOT EXISTS (SELECT 1 FROM call_ledger l WHERE l.request_id = r.request_id)
                    ORDER BY created_at LIMIT 1000 FOR UPDATE SKIP LOCKED)
                RETURNING *
            ), totals AS (
                SELECT tenant_id, sum(amount_usd) AS amount, count(*) AS calls FROM swept GROUP BY tenant_id
            ), slot AS (
                UPDATE upstream_slot u SET in_flight = u.in_flight - (SELECT count(*) FROM swept WHERE holds_upstream_slot)
                WHERE u.id = 1 AND EXISTS (SELECT 1 FROM swept WHERE holds_upstream_slot)
            ), state AS (
                UPDATE quota_state q SET reserved_usd = q.reserved_usd - totals.amount,
                                         in_flight = q.in_flight - totals.calls
                FROM totals WHERE q.tenant_id = totals.tenant_id
            )
            INSERT INTO call_ledger (request_id, tenant_id, key_id, model_id, endpoint, idempotency_key, outcome,
                                     images, cost_usd, prompt_sha256, created_at, settled_at)
            SELECT request_id, tenant_id, key_id, model_id, endpoint, idempotency_key, 'abandoned', images, 0,
                   prompt_sha256, created_at, :now
            FROM swept
            """;

    /** Recorded calls still holding their reservation this long after settling were left by a dead replica. */
    private static final Duration APPLY_AFTER = Duration.ofSeconds(10);

    private static final String RECORDED = """
            SELECT r.tenant_id, r.request_id FROM reservation r JOIN call_ledger l ON l.request_id = r.request_id
            WHERE l.settled_at < ? ORDER BY r.tenant_id LIMIT 1000
            """;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final QuotaProperties properties;
    private final SettlementWriter settlements;
    private final Counter swept;

    ReservationSweeper(JdbcClient jdbc, Clock clock, QuotaProperties properties, SettlementWriter settlements,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.properties = properties;
        this.settlements = settlements;
        this.swept = Counter.builder("gateway.reservations.swept")
            .description("Reservations released because their replica never settled them")
            .register(meters);
    }

    @Scheduled(fixedDelayString = "${gateway.quota.sweep-interval:30s}", initialDelayString = "${gateway.quota.sweep-interval:30s}")
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
        int released = jdbc.sql(SWEEP)
            .param("cutoff", QuotaService.utc(now.minus(properties.sweepAfter())))
            .param("now", QuotaService.utc(now))
            .update();
        if (released > 0) {
            swept.increment(released);
            log.warn("Released {} reservations left behind by a replica that never settled them", released);
        }
        return released;
    }

    private int applyRecorded() {
        Map<String, List<UUID>> recorded = new TreeMap<>();
        jdbc.sql(RECORDED).param(QuotaService.utc(clock.instant().minus(APPLY_AFTER))).query((RowCallbackHandler) rs ->
                recorded.computeIfAbsent(rs.getString(1), tenant -> new ArrayList<>()).add(rs.getObject(2, UUID.class)));
        int applied = 0;
        for (Map.Entry<String, List<UUID>> tenant : recorded.entrySet()) {
            if (settlements.apply(tenant.getKey(), tenant.getValue()) != null) {
                log.warn("Applied {} recorded calls of tenant {} that a replica left unapplied",
                        tenant.getValue().size(), tenant.getKey());
                applied += tenant.getValue().size();
            }
        }
        return applied;
    }
}
