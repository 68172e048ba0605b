package com.example.gateway.quota;

import java.math.BigDecimal;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.example.gateway.errors.DatabaseFailures;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes settlements in two steps, in groups. Every settlement waiting when a writer is free goes into one durable
 * transaction that writes the calls' ledger rows (RECORD), so one WAL flush commits many rows, and the caller still
 * waits for that commit: accounting stays synchronous. That step reads the reservations but never locks a tenant's
 * quota row, so admissions of the tenant go on during the flush. The second step (APPLY) moves the recorded calls from
 * the quota row's reservations into its spending, one short statement per tenant that commits without waiting for its
 * flush. Should that step be lost (a crash between the two, or a PostgreSQL crash losing the asynchronous commit), the
 * reservation and its ledger row are both still there, and the {@link ReservationSweeper} applies it later; until then
 * the call is counted as reserved, which can only refuse early, never overshoot. A settlement that meets a passing
 * database failure is retried for a while: the call was already forwarded and must not go unrecorded.
 */
@Component
class SettlementWriter {

    private static final Logger log = LoggerFactory.getLogger(SettlementWriter.class);
    private static final int MAX_GROUP = 256;
    private static final int WRITERS = 2;

    /** The durable step for one call: its ledger row, from its reservation. No row when the reservation is gone. */
    static final String RECORD = """
            INSERT INTO call_ledger (request_id, tenant_id, key_id, model_id, endpoint, idempotency_key, upstream_id,
                                     outcome, upstream_status, http_status, images, cost_usd, upstream_latency_ms,
                                     prompt_sha256, created_at, settled_at)
            SELECT r.request_id, r.tenant_id, r.key_id, r.model_id, r.endpoint, r.idempotency_key, :upstreamId,
                   :outcome, :upstreamStatus, :httpStatus, r.images, :cost, :latency, r.prompt_sha256, r.created_at, :now
            FROM reservation r
            WHERE r.request_id = :requestId
            -- the sweeper recorded it as abandoned meanwhile: settled without its reservation instead
            ON CONFLICT (request_id) DO NOTHING
            """;

    /**
     * The second step for calls of one tenant: releases their reservations and charges their recorded costs, once (the
     * reservation is deleted as it is applied). Records the budget alerts the new spending crosses.
     */
    static final String APPLY = """
            WITH applied AS (
                DELETE FROM reservation r USING call_ledger l
                WHERE r.request_id = ANY(:requestIds) AND r.tenant_id = :tenant AND l.request_id = r.request_id
                RETURNING r.amount_usd, r.month, r.holds_upstream_slot, l.cost_usd
            ), state AS (
                UPDATE quota_state q SET
                    reserved_usd = q.reserved_usd - (SELECT sum(amount_usd) FROM applied),
                    in_flight = q.in_flight - (SELECT count(*) FROM applied),
                    month_spent_usd = q.month_spent_usd
                        + (SELECT coalesce(sum(cost_usd), 0) FROM applied a WHERE a.month = q.month)
                WHERE q.tenant_id = :tenant AND EXISTS (SELECT 1 FROM applied)
                RETURNING q.tenant_id, q.month, q.month_spent_usd, q.reserved_usd
            ), slot AS (
                UPDATE upstream_slot u SET in_flight = u.in_flight - (SELECT count(*) FROM applied WHERE holds_upstream_slot)
                WHERE u.id = 1 AND EXISTS (SELECT 1 FROM applied WHERE holds_upstream_slot)
            ), alerts AS (
                -- Spending that crosses one of the tenant's thresholds records that alert, once per threshold and
                -- month; the alert package delivers it after this commits.
                INSERT INTO budget_alert (tenant_id, month, threshold_percent, spent_usd, budget_usd, created_at,
                                          next_attempt_at)
                SELECT s.tenant_id, s.month, threshold, s.month_spent_usd, t.monthly_budget_usd, :now, :now
                FROM state s JOIN tenant t ON t.id = s.tenant_id, unnest(t.alert_thresholds) AS threshold
                WHERE t.alert_webhook_url IS NOT NULL AND t.monthly_budget_usd > 0
                  AND EXISTS (SELECT 1 FROM applied WHERE cost_usd > 0)
                  AND s.month_spent_usd * 100 >= t.monthly_budget_usd * threshold
                ON CONFLICT DO NOTHING
                RETURNING threshold_percent
            )
            SELECT t.monthly_budget_usd - CASE WHEN s.month = :month THEN s.month_spent_usd ELSE 0 END - s.reserved_usd
                   AS remaining, t.monthly_budget_usd IS NULL AS unlimited,
                   (SELECT count(*) FROM alerts) AS alerts
            FROM state s JOIN tenant t ON t.id = s.tenant_id
            -- Commit without waiting for the WAL flush: the ledger rows are already durable (see the class comment).
            CROSS JOIN (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit
            """;

    /** Settles a call whose reservation is gone (the sweeper released it, or a database crash lost it). */
    private static final String SETTLE_UNRESERVED = """
            WITH row AS (
                INSERT INTO call_ledger (request_id, tenant_id, key_id, model_id, endpoint, idempotency_key, upstream_id,
                                         outcome, upstream_status, http_status, images, cost_usd, upstream_latency_ms,
                                         prompt_sha256, created_at, settled_at)
                VALUES (:requestId, :tenant, :keyId, :model, :endpoint, :idempotencyKey, :upstreamId, :outcome,
                        :upstreamStatus, :httpStatus, :images, :cost, :latency, :promptSha256, :admittedAt, :now)
                ON CONFLICT (request_id) DO UPDATE SET upstream_id = EXCLUDED.upstream_id, outcome = EXCLUDED.outcome,
                    upstream_status = EXCLUDED.upstream_status, http_status = EXCLUDED.http_status,
                    cost_usd = EXCLUDED.cost_usd, upstream_latency_ms = EXCLUDED.upstream_latency_ms,
                    settled_at = EXCLUDED.settled_at
                WHERE call_ledger.outcome = 'abandoned'
                RETURNING tenant_id
            )
            UPDATE quota_state q SET month_spent_usd = q.month_spent_usd
                + CASE WHEN q.month = :reservationMonth THEN :cost ELSE 0 END
            FROM row WHERE q.tenant_id = row.tenant_id
            RETURNING CASE WHEN q.month = :month THEN q.month_spent_usd ELSE 0 END AS spent, q.reserved_usd
            """;

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate batches;
    private final Clock clock;
    private final TransactionTemplate transactions;
    private final Duration retryFor;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();

    SettlementWriter(JdbcClient jdbc, NamedParameterJdbcTemplate batches, Clock clock, DataSource dataSource,
            QuotaProperties properties) {
        this.jdbc = jdbc;
        this.batches = batches;
        this.clock = clock;
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.retryFor = properties.settleRetryFor();
        for (int i = 0; i < WRITERS; i++) {
            Thread.ofPlatform().daemon().name("settlement-writer-" + i).start(this::run);
        }
    }

    Balance settle(Reservation reservation, Settlement settlement, Runnable alsoInTransaction) {
        Pending pending = new Pending(reservation, settlement, alsoInTransaction, new CompletableFuture<>());
        queue.add(pending);
        try {
            return pending.result().get(2 * retryFor.toMillis() + 30_000, TimeUnit.MILLISECONDS);
        }
        catch (ExecutionException ex) {
            if (ex.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(ex.getCause());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while settling", ex);
        }
        catch (TimeoutException ex) {
            throw new CannotCreateTransactionException("Settlement did not complete in time", ex);
        }
    }

    /**
     * Applies recorded calls of one tenant to its quota row (see {@link #APPLY}); calls already applied are skipped.
     * @return the tenant's balance afterwards, or {@code null} when none of the calls was still to apply
     */
    Balance apply(String tenantId, Collection<UUID> requestIds) {
        QuotaService.Windows windows = QuotaService.Windows.at(clock.instant());
        return jdbc.sql(APPLY)
            .param("requestIds", requestIds.toArray(UUID[]::new))
            .param("tenant", tenantId)
            .param("now", QuotaService.utc(clock.instant()))
            .param("month", windows.month())
            .query((rs, n) -> Balance.of(rs.getBoolean("unlimited") ? null : rs.getBigDecimal("remaining"),
                    rs.getInt("alerts") > 0))
            .optional()
            .orElse(null);
    }

    private void run() {
        while (true) {
            try {
                List<Pending> group = new ArrayList<>();
                group.add(queue.take());
                queue.drainTo(group, MAX_GROUP - 1);
                write(group);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
            catch (RuntimeException ex) {
                log.error("Settlement writer failed unexpectedly", ex);
            }
        }
    }

    private void write(List<Pending> group) throws InterruptedException {
        group.sort(Comparator.comparing((Pending p) -> p.reservation().admission().tenantId())
            .thenComparing(p -> p.reservation().admission().requestId()));
        Map<Pending, Balance> settledWithoutReservation;
        try {
            settledWithoutReservation = record(group);
        }
        catch (RuntimeException ex) {
            if (group.size() > 1 && !DatabaseFailures.isTransient(ex)) {
                // One bad settlement must not fail the others: settle them one by one.
                for (Pending pending : group) {
                    write(new ArrayList<>(List.of(pending)));
                }
                return;
            }
            log.error("Could not settle {} calls: {}", group.size(), ex.getMessage());
            group.forEach(p -> p.result().completeExceptionally(ex));
            return;
        }
        settledWithoutReservation.forEach((pending, balance) -> pending.result().complete(balance));
        Map<String, List<Pending>> recorded = group.stream()
            .filter(p -> !settledWithoutReservation.containsKey(p))
            .collect(Collectors.groupingBy(p -> p.reservation().admission().tenantId(), TreeMap::new,
                    Collectors.toList()));
        for (Map.Entry<String, List<Pending>> tenant : recorded.entrySet()) {
            List<UUID> requestIds = tenant.getValue().stream().map(p -> p.reservation().admission().requestId()).toList();
            Balance balance;
            try {
                balance = retrying(requestIds.size(), () -> apply(tenant.getKey(), requestIds));
            }
            catch (RuntimeException ex) {
                // Recorded durably already, so the calls are answered; the sweeper applies them to the quota row.
                log.warn("Recorded {} calls but could not apply them to the quota yet ({}); the sweeper will",
                        requestIds.size(), ex.getMessage());
                balance = null;
            }
            Balance answer = balance != null ? balance : Balance.UNKNOWN;
            tenant.getValue().forEach(p -> p.result().complete(answer));
        }
    }

    /**
     * The durable step, retried over passing database failures. A group whose calls have no other work to commit with
     * their rows is one autocommit batch: PostgreSQL runs a batch sent with one sync as one implicit transaction, so
     * the rows commit together in one round trip, without the two of {@code BEGIN} and {@code COMMIT}. Otherwise the
     * rows and that work share a transaction.
     * @return the calls whose reservation was gone, settled anyway
     */
    private Map<Pending, Balance> record(List<Pending> group) throws InterruptedException {
        Instant now = clock.instant();
        if (group.stream().anyMatch(pending -> pending.alsoInTransaction() != null)) {
            return retrying(group.size(), () -> transactions.execute(tx -> recordWithTheirWork(group, now)));
        }
        int[] inserted = retrying(group.size(), () -> insertRows(group, now));
        // The rows are committed: from here on, a failure is that one call's, and nothing runs the batch again (its
        // calls would all look unreserved).
        Map<Pending, Balance> withoutReservation = new HashMap<>();
        for (int i = 0; i < group.size(); i++) {
            Pending pending = group.get(i);
            if (inserted[i] == 0) {
                try {
                    withoutReservation.put(pending,
                            retrying(1, () -> settleUnreserved(pending.reservation(), pending.settlement(), now)));
                }
                catch (RuntimeException ex) {
                    log.error("Could not settle call {}: {}", pending.reservation().admission().requestId(),
                            ex.getMessage());
                    pending.result().completeExceptionally(ex);
                    // Settled (as failed) already; completing it again with the null balance changes nothing.
                    withoutReservation.put(pending, null);
                }
            }
        }
        return withoutReservation;
    }

    /** The durable step with the work that must commit with it; in the caller's transaction. */
    private Map<Pending, Balance> recordWithTheirWork(List<Pending> group, Instant now) {
        int[] inserted = insertRows(group, now);
        Map<Pending, Balance> withoutReservation = new HashMap<>();
        for (int i = 0; i < group.size(); i++) {
            Pending pending = group.get(i);
            if (inserted[i] == 0) {
                withoutReservation.put(pending, settleUnreserved(pending.reservation(), pending.settlement(), now));
            }
            if (pending.alsoInTransaction() != null) {
                pending.alsoInTransaction().run();
            }
        }
        return withoutReservation;
    }

    private int[] insertRows(List<Pending> group, Instant now) {
        SqlParameterSource[] rows = group.stream()
            .map(pending -> recordParameters(pending.settlement(), now))
            .toArray(SqlParameterSource[]::new);
        return batches.batchUpdate(RECORD, rows);
    }

    private static SqlParameterSource recordParameters(Settlement settlement, Instant now) {
        return new MapSqlParameterSource()
            .addValue("requestId", settlement.requestId())
            .addValue("cost", chargedCost(settlement))
            .addValue("upstreamId", settlement.upstreamId(), Types.VARCHAR)
            .addValue("outcome", settlement.outcome().dbValue())
            .addValue("upstreamStatus", settlement.upstreamStatus(), Types.INTEGER)
            .addValue("httpStatus", settlement.httpStatus())
            .addValue("latency", settlement.upstreamLatencyMs(), Types.INTEGER)
            .addValue("now", QuotaService.utc(now));
    }

    private static BigDecimal chargedCost(Settlement settlement) {
        return settlement.outcome().charged() ? settlement.cost() : BigDecimal.ZERO;
    }

    /** Runs the work, again while it meets a passing database failure and the retry time lasts. */
    private <T> T retrying(int calls, Supplier<T> work) throws InterruptedException {
        Instant deadline = clock.instant().plus(retryFor);
        long backoff = 50;
        while (true) {
            try {
                return work.get();
            }
            catch (DataAccessException | CannotCreateTransactionException ex) {
                if (!DatabaseFailures.isTransient(ex) || clock.instant().isAfter(deadline)) {
                    throw ex;
                }
                log.warn("Settlement of {} calls failed ({}); retrying", calls, ex.getClass().getSimpleName());
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 2_000);
            }
        }
    }

    private Balance settleUnreserved(Reservation reservation, Settlement settlement, Instant now) {
        Admission admission = reservation.admission();
        QuotaService.Windows windows = QuotaService.Windows.at(now);
        BigDecimal cost = chargedCost(settlement);
        log.warn("Settling call {} whose reservation was already released", admission.requestId());
        BigDecimal budget = jdbc.sql("SELECT monthly_budget_usd FROM tenant WHERE id = ?")
            .param(admission.tenantId())
            .query(BigDecimal.class)
            .optional()
            .orElse(null);
        return jdbc.sql(SETTLE_UNRESERVED)
            .param("requestId", admission.requestId())
            .param("tenant", admission.tenantId())
            .param("keyId", admission.keyId())
            .param("model", admission.modelId())
            .param("endpoint", admission.endpoint())
            .param("idempotencyKey", admission.idempotencyKey())
            .param("upstreamId", settlement.upstreamId())
            .param("outcome", settlement.outcome().dbValue())
            .param("upstreamStatus", settlement.upstreamStatus())
            .param("httpStatus", settlement.httpStatus())
            .param("images", admission.images())
            .param("cost", cost)
            .param("latency", settlement.upstreamLatencyMs())
            .param("promptSha256", admission.promptSha256())
            .param("admittedAt", QuotaService.utc(reservation.admittedAt()))
            .param("now", QuotaService.utc(now))
            .param("reservationMonth", reservation.month())
            .param("month", windows.month())
            .query((rs, n) -> Balance.of(budget == null ? null
                    : budget.subtract(rs.getBigDecimal("spent")).subtract(rs.getBigDecimal("reserved_usd"))))
            .optional()
            // No row: the call was already recorded (a retry after a lost commit acknowledgement), so nothing was
            // charged now and the balance was not read.
            .orElse(budget == null ? Balance.of(null) : Balance.UNKNOWN);
    }

    private record Pending(Reservation reservation, Settlement settlement, Runnable alsoInTransaction,
            CompletableFuture<Balance> result) {
    }
}
