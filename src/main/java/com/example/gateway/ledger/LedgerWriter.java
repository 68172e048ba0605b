package com.example.gateway.ledger;

import java.math.BigDecimal;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.example.gateway.quota.Admission;
import com.example.gateway.quota.Balance;
import com.example.gateway.quota.BudgetAlertsRecorded;
import com.example.gateway.quota.QuotaService;
import com.example.gateway.quota.Reservation;
import com.example.gateway.quota.Settlement;
import com.example.gateway.units.Utc;
import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes one group of settlements in two steps. First every call's ledger row (RECORD), durably, in one round trip:
 * one WAL flush for the whole group, and the callers still wait for it, so accounting stays synchronous. That step
 * never locks a tenant's quota row, so admissions go on during the flush. Then, per tenant, the recorded calls move from
 * the quota row's reservations into its spending ({@link QuotaService#apply}), committing without waiting for the
 * flush. Should that second step be lost (a crash between the two), reservation and ledger row are both still there and
 * the {@link ReservationSweeper} applies it later; until then the call counts as reserved, which can only refuse early,
 * never overshoot.
 */
@Component
class LedgerWriter {

    private static final Logger log = LoggerFactory.getLogger(LedgerWriter.class);

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate batches;
    private final TransactionTemplate transactions;
    private final QuotaService quotas;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    LedgerWriter(JdbcClient jdbc, NamedParameterJdbcTemplate batches, DataSource dataSource, QuotaService quotas,
            ApplicationEventPublisher events, Clock clock) {
        this.jdbc = jdbc;
        this.batches = batches;
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.quotas = quotas;
        this.events = events;
        this.clock = clock;
    }

    /**
     * The durable step. A group whose calls have no Idempotency-Key is one autocommit batch: PostgreSQL runs a batch
     * sent with one sync as one implicit transaction, so the rows commit together in one round trip, without the two of
     * {@code BEGIN} and {@code COMMIT}. Otherwise the rows and the kept answers ({@link CallRecorded}) share a
     * transaction. Calls whose reservation was gone are settled without it, in the same unit of work.
     * @return the balance of each call settled without its reservation; the others are still to be applied
     */
    Map<UUID, Balance> record(List<Pending> group) {
        Instant now = clock.instant();
        if (group.stream().noneMatch(pending -> pending.admission().idempotencyKey() != null)) {
            return recordRows(group, now);
        }
        return transactions.execute(tx -> {
            Map<UUID, Balance> unreserved = recordRows(group, now);
            group.stream().filter(pending -> pending.admission().idempotencyKey() != null).forEach(pending -> {
                Settlement s = pending.settlement();
                events.publishEvent(new CallRecorded(s.requestId(), pending.admission().tenantId(),
                        pending.admission().idempotencyKey(), s.outcome(), s.httpStatus(), s.clientBody()));
            });
            return unreserved;
        });
    }

    /**
     * The second step, for every tenant of the group in one statement; a failure leaves the calls recorded and
     * answered, and the sweeper applies them later.
     */
    Map<UUID, Balance> apply(List<Pending> recorded) {
        if (recorded.isEmpty()) {
            return Map.of();
        }
        Map<String, Balance> byTenant;
        try {
            byTenant = applyOnce(recorded.stream().map(p -> p.admission().requestId()).toList());
        }
        catch (RuntimeException ex) {
            log.warn("Recorded {} calls but could not apply them to the quota yet ({}); the sweeper will",
                    recorded.size(), ex.getMessage());
            byTenant = Map.of();
        }
        Map<UUID, Balance> balances = new HashMap<>();
        for (Pending pending : recorded) {
            balances.put(pending.admission().requestId(),
                    byTenant.getOrDefault(pending.admission().tenantId(), Balance.UNKNOWN));
        }
        return balances;
    }

    /** For the sweeper: applies what a dead replica left recorded but unapplied. @return how many tenants it touched */
    int applyLeftOver(List<UUID> requestIds) {
        return applyOnce(requestIds).size();
    }

    private Map<String, Balance> applyOnce(List<UUID> requestIds) {
        Map<String, Balance> balances = quotas.apply(requestIds);
        balances.forEach((tenant, balance) -> {
            if (balance.alertRecorded()) {
                events.publishEvent(new BudgetAlertsRecorded(tenant));
            }
        });
        return balances;
    }

    private Map<UUID, Balance> recordRows(List<Pending> group, Instant now) {
        SqlParameterSource[] rows = group.stream()
            .map(pending -> recordParameters(pending.settlement(), now))
            .toArray(SqlParameterSource[]::new);
        int[] inserted = batches.batchUpdate(LedgerStatements.RECORD, rows);
        Map<UUID, Balance> unreserved = new HashMap<>();
        for (int i = 0; i < group.size(); i++) {
            if (inserted[i] == 0) {
                unreserved.put(group.get(i).admission().requestId(), settleUnreserved(group.get(i), now));
            }
        }
        return unreserved;
    }

    private static SqlParameterSource recordParameters(Settlement settlement, Instant now) {
        return new MapSqlParameterSource()
            .addValue("requestId", settlement.requestId())
            .addValue("cost", settlement.chargedCost())
            .addValue("charged", settlement.outcome().charged())
            .addValue("upstreamId", settlement.upstreamId(), Types.VARCHAR)
            .addValue("outcome", settlement.outcome().dbValue())
            .addValue("upstreamStatus", settlement.upstreamStatus(), Types.INTEGER)
            .addValue("httpStatus", settlement.httpStatus())
            .addValue("latency", settlement.upstreamLatencyMs(), Types.INTEGER)
            .addValue("now", Utc.of(now));
    }

    private Balance settleUnreserved(Pending pending, Instant now) {
        Admission admission = pending.admission();
        Settlement settlement = pending.settlement();
        Reservation reservation = pending.reservation();
        log.warn("Settling call {} whose reservation was already released", admission.requestId());
        return jdbc.sql(LedgerStatements.SETTLE_UNRESERVED)
            .param("requestId", admission.requestId())
            .param("tenant", admission.tenantId())
            .param("keyId", admission.keyId())
            .param("model", admission.modelId())
            .param("endpoint", admission.endpoint())
            .param("idempotencyKey", admission.idempotencyKey(), Types.VARCHAR)
            .param("upstreamId", settlement.upstreamId(), Types.VARCHAR)
            .param("outcome", settlement.outcome().dbValue())
            .param("upstreamStatus", settlement.upstreamStatus(), Types.INTEGER)
            .param("httpStatus", settlement.httpStatus())
            .param("images", admission.images())
            .param("cost", settlement.chargedCost())
            .param("latency", settlement.upstreamLatencyMs(), Types.INTEGER)
            .param("promptSha256", admission.promptSha256())
            .param("admittedAt", Utc.of(reservation.admittedAt()))
            .param("now", Utc.of(now))
            .param("reservationMonth", reservation.month())
            .param("priceId", admission.priceId(), Types.BIGINT)
            .param("unitPrice", admission.unitPriceUsd(), Types.NUMERIC)
            .param("expectedModelsLab", settlement.outcome().charged() ? admission.expectedModelsLabUsd()
                    : BigDecimal.ZERO, Types.NUMERIC)
            .param("month", quotas.currentMonth())
            .param("costCentre", admission.costCentreId(), Types.VARCHAR)
            .param("project", admission.attribution().project(), Types.VARCHAR)
            .param("tagKeys", admission.attribution().tagKeys())
            .param("tagValues", admission.attribution().tagValues())
            .param("trackId", admission.attribution().trackId(), Types.VARCHAR)
            .query((rs, n) -> Balance.of(rs.getBoolean("unlimited") ? null : rs.getBigDecimal("remaining")))
            .optional()
            // No row: the call was already recorded (a retry after a lost commit acknowledgement), so nothing was
            // charged now and the balance was not read.
            .orElse(Balance.UNKNOWN);
    }

    /** Splits a group into the calls still to apply and those already settled without their reservation. */
    static List<Pending> toApply(List<Pending> group, Map<UUID, Balance> settledUnreserved) {
        List<Pending> rest = new ArrayList<>();
        for (Pending pending : group) {
            if (!settledUnreserved.containsKey(pending.admission().requestId())) {
                rest.add(pending);
            }
        }
        return rest;
    }
}
