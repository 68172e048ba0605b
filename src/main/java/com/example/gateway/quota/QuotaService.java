package com.example.gateway.quota;

import java.math.BigDecimal;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import com.example.gateway.units.Utc;

import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * A tenant's quota row: the admission that reserves a call's exact price ({@link QuotaStatements#RESERVE_BY_KEY_HASH}),
 * the application of recorded calls to its spending ({@link QuotaStatements#APPLY}), and its usage. Admission
 * statements run on an {@link AdmissionThreads admission thread}; the ledger package decides when calls are applied.
 */
@Service
public class QuotaService {

    private final JdbcClient jdbc;
    private final Clock clock;
    private final PriceList prices;
    private final AdmissionThreads admissionThreads;

    QuotaService(JdbcClient jdbc, Clock clock, PriceList prices, AdmissionThreads admissionThreads) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.prices = prices;
        this.admissionThreads = admissionThreads;
    }

    /** Creates the quota row of a new tenant; runs in the caller's transaction. */
    public void open(String tenantId) {
        Windows windows = Windows.at(clock.instant());
        jdbc.sql("INSERT INTO quota_state (tenant_id, month, day, minute) VALUES (?, ?, ?, ?)")
            .params(tenantId, windows.month(), windows.day(), windows.minute())
            .update();
    }

    /**
     * Prices the call, and admits it and reserves that price, or throws why not. The reservation commits without
     * waiting for its WAL flush: it is visible to every replica at once, which is all exactness needs, and the tenant's
     * row lock is not held through a disk sync. The settlement, which carries the money, is durable; should PostgreSQL
     * crash and lose a reservation, the settlement still writes the ledger row (see the ledger package).
     * @throws GatewayException {@code invalid_key} or {@code tenant_suspended}, or an {@link AdmissionRefused}
     * ({@code budget_exhausted} of the tenant, its cost centre or the key, {@code daily_limit}, {@code rate_limited} of
     * the tenant or the key, {@code too_many_concurrent}); the account's cap on calls in flight to ModelsLab is not
     * admission's: an admitted call waits for a slot (see the upstream package)
     */
    public Reservation reserve(Credential credential, AdmissionRequest request) {
        Instant now = clock.instant();
        // Priced once, here: the call settles at this price even should a new one take effect while it is in flight.
        PriceQuote quote = prices.quote(request.modelId(), request.images(), now)
            .orElseThrow(() -> new GatewayException(ErrorCode.MODEL_NOT_ENABLED,
                    "The model '" + request.modelId() + "' has no price in effect."));
        Verdict verdict = null;
        // Neither admitted nor refused: another call changed the row between the statement's read and its lock. The
        // statement runs again on the newer row; three such races in a row are a refusal for concurrency.
        for (int attempt = 0; attempt < 3 && (verdict == null || verdict.undecided()); attempt++) {
            verdict = admissionThreads.run(() -> admit(credential, request, quote, now))
                .orElseThrow(() -> new GatewayException(ErrorCode.INVALID_KEY));
        }
        if (!verdict.admitted()) {
            Refusal refusal = verdict.refusal() != null ? verdict.refusal() : Refusal.TOO_MANY_CONCURRENT;
            throw refusal.toException(verdict.tenantId(), verdict.costCentreId(), now, verdict.day(),
                    verdict.minute());
        }
        return new Reservation(request.by(verdict.tenantId(), verdict.keyId(), verdict.costCentreId(), quote), now,
                verdict.month());
    }

    /**
     * The admission statement; runs on an admission thread. One autocommit statement: the tenant's row is locked only
     * while PostgreSQL runs it, never while a busy client thread is between two round trips. The account's slots are
     * the upstream queue's rows, so no reservation holds one ({@code holds_upstream_slot} stays false).
     */
    private Optional<Verdict> admit(Credential credential, AdmissionRequest request, PriceQuote quote, Instant now) {
        return reserveStatement(credential, request, quote, false, now);
    }

    private Optional<Verdict> reserveStatement(Credential credential, AdmissionRequest request, PriceQuote quote,
            boolean holdsSlot, Instant now) {
        Windows windows = Windows.at(now);
        JdbcClient.StatementSpec statement = jdbc.sql(QuotaStatements.reserve(credential));
        statement = switch (credential) {
            case Credential.KeyHash hash -> statement.param("keyHash", hash.hash());
            case Credential.AuthenticatedKey key -> statement.param("keyId", key.keyId());
        };
        return statement
            .param("holdsSlot", holdsSlot)
            .param("month", windows.month())
            .param("day", windows.day())
            .param("minute", windows.minute())
            .param("price", quote.amountUsd())
            .param("priceId", quote.priceId(), Types.BIGINT)
            .param("unitPrice", quote.unitPriceUsd())
            .param("expectedModelsLab", quote.expectedModelsLabUsd())
            .param("requestId", request.requestId())
            .param("model", request.modelId())
            .param("endpoint", request.endpoint())
            .param("images", request.images())
            // Typed, null or not: a null of unknown type makes pgJDBC describe the statement, and pgJDBC before
            // 42.7.13 then spends one more round trip on every execution of it (AdmissionRoundTripsTest).
            .param("idempotencyKey", request.idempotencyKey(), Types.VARCHAR)
            .param("promptSha256", request.promptSha256())
            .param("project", request.attribution().project(), Types.VARCHAR)
            .param("tagKeys", request.attribution().tagKeys())
            .param("tagValues", request.attribution().tagValues())
            .param("trackId", request.attribution().trackId(), Types.VARCHAR)
            .param("now", Utc.of(now))
            .query((rs, n) -> new Verdict(rs.getObject("key_id", UUID.class), rs.getString("tenant_id"),
                    rs.getString("cost_centre_id"), Refusal.of(rs.getString("refusal")), rs.getObject("month", LocalDate.class),
                    rs.getObject("day", LocalDate.class), rs.getObject("minute", OffsetDateTime.class),
                    rs.getBoolean("admitted")))
            .optional();
    }

    /**
     * Applies recorded calls, of any tenants, to their quota rows in one statement (see {@link QuotaStatements#APPLY});
     * calls already applied are skipped. Commits without waiting for its flush: the ledger rows it applies are durable
     * already.
     * @return each tenant's balance afterwards, for the tenants that had calls still to apply
     */
    public Map<String, Balance> apply(Collection<UUID> requestIds) {
        Instant now = clock.instant();
        Map<String, Balance> balances = new HashMap<>();
        jdbc.sql(QuotaStatements.APPLY)
            .param("requestIds", requestIds.toArray(UUID[]::new))
            .param("now", Utc.of(now))
            .param("month", Windows.at(now).month())
            .query((RowCallbackHandler) rs -> balances.put(rs.getString("tenant_id"),
                    Balance.of(rs.getBoolean("unlimited") ? null : rs.getBigDecimal("remaining"),
                            rs.getBoolean("alerts"))));
        return balances;
    }

    /** The tenant's consumption in the current month and day. */
    public Optional<QuotaUsage> usage(String tenantId) {
        Windows windows = Windows.at(clock.instant());
        return jdbc.sql(QuotaStatements.USAGE)
            .param("tenant", tenantId)
            .param("month", windows.month())
            .param("day", windows.day())
            .query((rs, n) -> {
                BigDecimal budget = rs.getBigDecimal("monthly_budget_usd");
                BigDecimal spent = rs.getBigDecimal("spent");
                BigDecimal reserved = rs.getBigDecimal("reserved_usd");
                BigDecimal remaining = budget == null ? null : budget.subtract(spent).subtract(reserved);
                return new QuotaUsage(spent, reserved, remaining, rs.getInt("calls_today"), rs.getInt("in_flight"));
            })
            .optional();
    }

    /** What is left of the tenant's budget now, for the balance header of an answer that charged nothing. */
    public Balance balanceOf(String tenantId) {
        return Balance.of(usage(tenantId).map(QuotaUsage::remainingUsd).orElse(null));
    }

    /** The current month (UTC) by this replica's clock: the month a call settled now without a reservation counts in. */
    public LocalDate currentMonth() {
        return Windows.at(clock.instant()).month();
    }

    private record Verdict(UUID keyId, String tenantId, String costCentreId, Refusal refusal, LocalDate month, LocalDate day,
            OffsetDateTime minute, boolean admitted) {

        /** Lost a race: the row the statement read would have admitted the call, the row it locked did not. */
        boolean undecided() {
            return !admitted && refusal == null;
        }
    }
}
