package com.example.gateway.ledger;

import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

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

    /** The second step, per tenant, in a fixed (tenant) order so two writers never deadlock. */
    Map<UUID, Balance> apply(List<Pending> recorded) {
        Map<String, List<UUID>> byTenant = recorded.stream()
            .sorted(Comparator.comparing((Pending p) -> p.admission().tenantId()))
            .collect(Collectors.groupingBy(p -> p.admission().tenantId(), TreeMap::new,
                    Collectors.mapping(p -> p.admission().requestId(), Collectors.toList())));
        Map<UUID, Balance> balances = new HashMap<>();
        byTenant.forEach((tenant, requestIds) -> {
            Balance balance;
            try {
                balance = apply(tenant, requestIds);
            }
            catch (RuntimeException ex) {
                // Recorded durably already, so the calls are answered; the sweeper applies them to the quota row.
                log.warn("Recorded {} calls but could not apply them to the quota yet ({}); the sweeper will",
                        requestIds.size(), ex.getMessage());
                balance = Balance.UNKNOWN;
            }
            for (UUID requestId : requestIds) {
                balances.put(requestId, balance);
            }
        });
        return balances;
    }

    /** Applies recorded calls of one tenant, and says so when that crossed budget alert thresholds. */
    private Balance apply(String tenant, List<UUID> requestIds) {
        return applyOnce(tenant, requestIds).orElse(Balance.UNKNOWN);
    }

    /** For the sweeper: applies what a dead replica left recorded but unapplied. @return whether any was */
    boolean applyLeftOver(String tenant, List<UUID> requestIds) {
        return applyOnce(tenant, requestIds).isPresent();
    }

    private Optional<Balance> applyOnce(String tenant, List<UUID> requestIds) {
        Optional<Balance> balance = quotas.apply(tenant, requestIds);
        if (balance.isPresent() && balance.get().alertRecorded()) {
            events.publishEvent(new BudgetAlertsRecorded(tenant));
        }
        return balance;
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
            .param("month", quotas.currentMonth())
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
