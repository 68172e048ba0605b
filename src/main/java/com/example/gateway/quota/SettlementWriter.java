package com.example.gateway.quota;

import java.math.BigDecimal;
import java.sql.SQLTransientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes settlements durably, in groups: every settlement waiting when a writer is free goes into one transaction, so
 * one WAL flush commits many ledger rows. The caller still waits for its own commit: accounting stays synchronous, and
 * a tenant's quota row is no longer locked through one disk sync per call. Groups lock quota rows in tenant order, so
 * writers on any number of replicas cannot deadlock each other. A settlement that meets a passing database failure is
 * retried for a while: the call was already forwarded and must not go unrecorded.
 */
@Component
class SettlementWriter {

    private static final Logger log = LoggerFactory.getLogger(SettlementWriter.class);
    private static final int MAX_GROUP = 256;
    private static final int WRITERS = 2;

    private static final String SETTLE = """
            WITH released AS (
                DELETE FROM reservation WHERE request_id = :requestId RETURNING *
            ), state AS (
                UPDATE quota_state q SET
                    reserved_usd = q.reserved_usd - r.amount_usd,
                    in_flight = q.in_flight - 1,
                    month_spent_usd = q.month_spent_usd + CASE WHEN q.month = r.month THEN :cost ELSE 0 END
                FROM released r
                WHERE q.tenant_id = r.tenant_id
                RETURNING q.tenant_id, q.month, q.month_spent_usd, q.reserved_usd
            ), slot AS (
                UPDATE upstream_slot u SET in_flight = u.in_flight - 1
                FROM released r WHERE u.id = 1 AND r.holds_upstream_slot
            ), alerts AS (
                -- A settlement that takes spending across one of the tenant's thresholds records that alert, once per
                -- threshold and month; the alert package delivers it after this commits.
                INSERT INTO budget_alert (tenant_id, month, threshold_percent, spent_usd, budget_usd, created_at,
                                          next_attempt_at)
                SELECT s.tenant_id, s.month, threshold, s.month_spent_usd, t.monthly_budget_usd, :now, :now
                FROM state s JOIN tenant t ON t.id = s.tenant_id, unnest(t.alert_thresholds) AS threshold
                WHERE t.alert_webhook_url IS NOT NULL AND t.monthly_budget_usd > 0 AND :cost > 0
                  AND s.month_spent_usd * 100 >= t.monthly_budget_usd * threshold
                ON CONFLICT DO NOTHING
                RETURNING threshold_percent
            ), ledger AS (
                -- data-modifying CTEs always run, referenced or not
                INSERT INTO call_ledger (request_id, tenant_id, key_id, model_id, endpoint, idempotency_key, upstream_id,
                                         outcome, upstream_status, http_status, images, cost_usd, upstream_latency_ms,
                                         prompt_sha256, created_at, settled_at)
                SELECT r.request_id, r.tenant_id, r.key_id, r.model_id, r.endpoint, r.idempotency_key, :upstreamId,
                       :outcome, :upstreamStatus, :httpStatus, r.images, :cost, :latency, r.prompt_sha256,
                       r.created_at, :now
                FROM released r
                RETURNING request_id
            )
            SELECT t.monthly_budget_usd - CASE WHEN s.month = :month THEN s.month_spent_usd ELSE 0 END - s.reserved_usd
                   AS remaining, t.monthly_budget_usd IS NULL AS unlimited,
                   (SELECT count(*) FROM alerts) AS alerts
            FROM state s JOIN tenant t ON t.id = s.tenant_id
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
    private final Clock clock;
    private final TransactionTemplate transactions;
    private final Duration retryFor;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();

    SettlementWriter(JdbcClient jdbc, Clock clock, DataSource dataSource, QuotaProperties properties) {
        this.jdbc = jdbc;
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
            return pending.result().get(retryFor.toMillis() + 30_000, TimeUnit.MILLISECONDS);
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
        Instant deadline = clock.instant().plus(retryFor);
        long backoff = 50;
        while (true) {
            try {
                List<Balance> balances = transactions.execute(tx -> group.stream().map(this::settleOne).toList());
                for (int i = 0; i < group.size(); i++) {
                    group.get(i).result().complete(balances.get(i));
                }
                return;
            }
            catch (DataAccessException | CannotCreateTransactionException ex) {
                boolean transientFailure = isTransient(ex);
                if (!transientFailure && group.size() > 1) {
                    // One bad settlement must not fail the others: settle them one by one.
                    for (Pending pending : group) {
                        write(new ArrayList<>(List.of(pending)));
                    }
                    return;
                }
                if (!transientFailure || clock.instant().isAfter(deadline)) {
                    log.error("Could not settle {} calls: {}", group.size(), ex.getMessage());
                    group.forEach(p -> p.result().completeExceptionally(ex));
                    return;
                }
                log.warn("Settlement of {} calls failed ({}); retrying", group.size(), ex.getClass().getSimpleName());
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 2_000);
            }
            catch (RuntimeException ex) {
                if (group.size() > 1) {
                    for (Pending pending : group) {
                        write(new ArrayList<>(List.of(pending)));
                    }
                    return;
                }
                group.forEach(p -> p.result().completeExceptionally(ex));
                return;
            }
        }
    }

    private Balance settleOne(Pending pending) {
        Reservation reservation = pending.reservation();
        Admission admission = reservation.admission();
        Settlement settlement = pending.settlement();
        Instant now = clock.instant();
        QuotaService.Windows windows = QuotaService.Windows.at(now);
        BigDecimal cost = settlement.outcome().charged() ? settlement.cost() : BigDecimal.ZERO;
        Balance balance = jdbc.sql(SETTLE)
            .param("requestId", admission.requestId())
            .param("cost", cost)
            .param("upstreamId", settlement.upstreamId())
            .param("outcome", settlement.outcome().dbValue())
            .param("upstreamStatus", settlement.upstreamStatus())
            .param("httpStatus", settlement.httpStatus())
            .param("latency", settlement.upstreamLatencyMs())
            .param("now", QuotaService.utc(now))
            .param("month", windows.month())
            .query((rs, n) -> new Balance(rs.getBoolean("unlimited") ? null : rs.getBigDecimal("remaining"),
                    rs.getInt("alerts") > 0))
            .optional()
            .orElseGet(() -> settleUnreserved(reservation, settlement, cost, now, windows));
        if (pending.alsoInTransaction() != null) {
            pending.alsoInTransaction().run();
        }
        return balance;
    }

    private Balance settleUnreserved(Reservation reservation, Settlement settlement, BigDecimal cost, Instant now,
            QuotaService.Windows windows) {
        Admission admission = reservation.admission();
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
            .orElse(Balance.of(null));
    }

    private static boolean isTransient(Throwable ex) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof CannotGetJdbcConnectionException || cause instanceof CannotCreateTransactionException
                    || cause instanceof TransientDataAccessException || cause instanceof PessimisticLockingFailureException
                    || cause instanceof SQLTransientException || cause instanceof java.net.ConnectException
                    || (cause instanceof java.sql.SQLException sql && sql.getSQLState() != null
                            && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("40")
                                    || sql.getSQLState().startsWith("57P")))) {
                return true;
            }
        }
        return false;
    }

    private record Pending(Reservation reservation, Settlement settlement, Runnable alsoInTransaction,
            CompletableFuture<Balance> result) {
    }
}
