package com.example.gateway.quota;

import java.time.Clock;
import java.time.Instant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Releases reservations that no replica will settle (their replica died mid-call) and records those calls in the
 * ledger as {@code abandoned}, uncharged. One statement; {@code SKIP LOCKED} lets every replica sweep at once without
 * sweeping a reservation twice.
 */
@Component
class ReservationSweeper {

    private static final Logger log = LoggerFactory.getLogger(ReservationSweeper.class);

    private static final String SWEEP = """
            WITH swept AS (
                DELETE FROM reservation WHERE request_id IN (
                    SELECT request_id FROM reservation WHERE created_at < :cutoff
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

    private final JdbcClient jdbc;
    private final Clock clock;
    private final QuotaProperties properties;
    private final Counter swept;

    ReservationSweeper(JdbcClient jdbc, Clock clock, QuotaProperties properties, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.properties = properties;
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

    /** @return how many reservations were released */
    int sweep() {
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
}
