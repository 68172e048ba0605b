package com.example.gateway.idempotency;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.ledger.CallRecorded;
import com.example.gateway.quota.CallOutcome;
import com.example.gateway.quota.QuotaProperties;
import com.example.gateway.units.Utc;
import com.example.gateway.errors.GatewayException;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Records per tenant and key which request claimed an {@code Idempotency-Key} and, once it is answered, the answer.
 * A claim is one {@code INSERT ... ON CONFLICT}, so two replicas can never both forward the same key.
 */
@Component
public class IdempotencyStore implements SchedulingConfigurer {

    static final Duration RETENTION = Duration.ofHours(24);

    private static final String CLAIM = """
            INSERT INTO idempotency_record (tenant_id, idem_key, request_hash, request_id, created_at)
            VALUES (:tenant, :key, :hash, :requestId, :now)
            ON CONFLICT (tenant_id, idem_key) DO UPDATE SET
                request_hash = EXCLUDED.request_hash, request_id = EXCLUDED.request_id, http_status = NULL,
                response_body = NULL, created_at = EXCLUDED.created_at, completed_at = NULL
            WHERE idempotency_record.created_at < :expired
            RETURNING request_id
            """;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final QuotaProperties quotas;

    IdempotencyStore(JdbcClient jdbc, Clock clock, QuotaProperties quotas) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.quotas = quotas;
    }

    /**
     * Claims the key for this request.
     * @return empty when the request may go ahead, or the first answer to replay
     * @throws GatewayException {@code idempotency_in_progress} while the first request is in flight,
     * {@code idempotency_key_reused} when the key came with another body
     */
    public Optional<Replay> claim(String tenantId, String key, byte[] requestHash, UUID requestId) {
        Instant now = clock.instant();
        for (int attempt = 0; attempt < 3; attempt++) {
            boolean claimed = jdbc.sql(CLAIM)
                .param("tenant", tenantId)
                .param("key", key)
                .param("hash", requestHash)
                .param("requestId", requestId)
                .param("now", Utc.of(now))
                .param("expired", Utc.of(now.minus(RETENTION)))
                .query(UUID.class)
                .optional()
                .isPresent();
            if (claimed) {
                return Optional.empty();
            }
            Optional<Existing> existing = jdbc.sql("""
                    SELECT request_hash, request_id, http_status, response_body FROM idempotency_record
                    WHERE tenant_id = ? AND idem_key = ?
                    """)
                .params(tenantId, key)
                .query((rs, n) -> new Existing(rs.getBytes(1), rs.getObject(2, UUID.class),
                        (Integer) rs.getObject(3), rs.getBytes(4)))
                .optional();
            if (existing.isEmpty()) {
                continue;
            }
            Existing first = existing.get();
            if (!Arrays.equals(first.hash(), requestHash)) {
                throw new GatewayException(ErrorCode.IDEMPOTENCY_KEY_REUSED,
                        "This Idempotency-Key was already used with a different request body.");
            }
            if (first.status() == null) {
                throw new GatewayException(ErrorCode.IDEMPOTENCY_IN_PROGRESS,
                        "A request with this Idempotency-Key is still in progress.");
            }
            return Optional.of(new Replay(first.requestId(), first.status(), first.body()));
        }
        throw new GatewayException(ErrorCode.IDEMPOTENCY_IN_PROGRESS,
                "A request with this Idempotency-Key is still in progress.");
    }

    /**
     * Gives the key up again: the request was refused before it was forwarded, or failed upstream without a charge, so
     * a retry may try afresh.
     */
    public void release(String tenantId, String key, UUID requestId) {
        jdbc.sql("DELETE FROM idempotency_record WHERE tenant_id = ? AND idem_key = ? AND request_id = ?")
            .params(tenantId, key, requestId)
            .update();
    }

    /**
     * Keeps the answer for replay when it is worth replaying, else gives the key up; runs synchronously in the
     * transaction that writes the call's ledger row, so the answer is kept exactly when the call is recorded.
     */
    @EventListener
    void on(CallRecorded call) {
        if (!worthReplaying(call.outcome())) {
            release(call.tenantId(), call.idempotencyKey(), call.requestId());
            return;
        }
        jdbc.sql("""
                UPDATE idempotency_record SET http_status = ?, response_body = ?, completed_at = ?
                WHERE tenant_id = ? AND idem_key = ? AND request_id = ?
                """)
            .params(call.httpStatus(), call.clientBody(), Utc.of(clock.instant()), call.tenantId(),
                    call.idempotencyKey(), call.requestId())
            .update();
    }

    /**
     * Whether a retry with the same Idempotency-Key gets this answer again. Only answers that were charged, or that are
     * ModelsLab's verdict on the request itself, are; an uncharged upstream failure (5xx, garbage, a broken connection,
     * a full queue whose 429 says to retry) is not, or the retry it asks for would be replayed the same failure.
     */
    static boolean worthReplaying(CallOutcome outcome) {
        return outcome.charged() || outcome == CallOutcome.UPSTREAM_REJECTED;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(new FixedDelayTask(this::purge, quotas.sweepInterval(), quotas.sweepInterval()));
    }

    /**
     * Forgets keys past their retention, and claims whose call was never settled and never can be: no reservation is
     * left, and the claim is older than {@code gateway.quota.sweep-after}, past which no replica can still be settling
     * it (the sweeper releases reservations only that late, and a settlement never waits longer). A claim whose
     * reservation a database crash lost while its call was in flight thus stays until its settlement has arrived, so
     * a retry with the same key is never forwarded and charged twice.
     */
    void purge() {
        Instant now = clock.instant();
        jdbc.sql("""
                DELETE FROM idempotency_record i
                WHERE i.created_at < :expired
                   OR (i.completed_at IS NULL AND i.created_at < :stale
                       AND NOT EXISTS (SELECT 1 FROM reservation r WHERE r.request_id = i.request_id))
                """)
            .param("expired", Utc.of(now.minus(RETENTION)))
            .param("stale", Utc.of(now.minus(quotas.sweepAfter())))
            .update();
    }

    /** The first answer to a key: its request id, HTTP status and body. */
    public record Replay(UUID requestId, int status, byte[] body) {
    }

    private record Existing(byte[] hash, UUID requestId, Integer status, byte[] body) {
    }
}
