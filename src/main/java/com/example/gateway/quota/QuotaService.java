package com.example.gateway.quota;

import java.math.BigDecimal;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import com.example.gateway.units.Utc;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcOperations;
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
    private final NamedParameterJdbcOperations statements;
    private final Clock clock;
    private final PriceList prices;
    private final AdmissionThreads admissionThreads;

    QuotaService(NamedParameterJdbcOperations statements, Clock clock, PriceList prices,
            AdmissionThreads admissionThreads) {
        this.jdbc = JdbcClient.create(statements);
        this.statements = statements;
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
        Verdict verdict = admissionThreads.run(() -> admit(credential, request, quote, now))
            .orElseThrow(() -> new GatewayException(ErrorCode.INVALID_KEY));
        if (!verdict.admitted()) {
            // Refused with a reason: the update's condition and the reason read the same rows, locked beforehand.
            throw verdict.refusal().toException(verdict.tenantId(), verdict.costCentreId(), now, verdict.day(),
                    verdict.minute());
        }
        return new Reservation(request.by(verdict.tenantId(), verdict.keyId(), verdict.costCentreId(), quote), now,
                verdict.month());
    }

    /**
     * The admission statements; run on an admission thread. Sent together and committed at once (see
     * {@link QuotaStatements#RESERVE}): the rows are locked only while PostgreSQL runs them, never while a busy client
     * thread is between two round trips. The account's slots are the upstream queue's rows, so no reservation holds one
     * ({@code holds_upstream_slot} stays false).
     */
    private Optional<Verdict> admit(Credential credential, AdmissionRequest request, PriceQuote quote, Instant now) {
        Windows windows = Windows.at(now);
        MapSqlParameterSource params = switch (credential) {
            case Credential.KeyHash hash -> new MapSqlParameterSource("keyHash", hash.hash());
            case Credential.AuthenticatedKey key -> new MapSqlParameterSource("keyId", key.keyId());
        };
        params.addValue("holdsSlot", false)
            .addValue("month", windows.month())
            .addValue("day", windows.day())
            .addValue("minute", windows.minute())
            .addValue("price", quote.amountUsd())
            .addValue("priceId", quote.priceId(), Types.BIGINT)
            .addValue("unitPrice", quote.unitPriceUsd())
            .addValue("expectedModelsLab", quote.expectedModelsLabUsd())
            .addValue("requestId", request.requestId())
            .addValue("model", request.modelId())
            .addValue("endpoint", request.endpoint())
            .addValue("images", request.images())
            // Typed, null or not: a null of unknown type makes pgJDBC describe the statement, and pgJDBC before
            // 42.7.13 then spends one more round trip on every execution of it (AdmissionRoundTripsTest).
            .addValue("idempotencyKey", request.idempotencyKey(), Types.VARCHAR)
            .addValue("promptSha256", request.promptSha256())
            .addValue("project", request.attribution().project(), Types.VARCHAR)
            .addValue("tagKeys", request.attribution().tagKeys())
            .addValue("tagValues", request.attribution().tagValues())
            .addValue("trackId", request.attribution().trackId(), Types.VARCHAR)
            .addValue("now", Utc.of(now));
        return OneRoundTrip.lastRows(statements, QuotaStatements.reserve(credential), params,
                (rs, n) -> new Verdict(rs.getObject("key_id", UUID.class), rs.getString("tenant_id"),
                        rs.getString("cost_centre_id"), Refusal.of(rs.getString("refusal")),
                        rs.getObject("month", LocalDate.class), rs.getObject("day", LocalDate.class),
                        rs.getObject("minute", OffsetDateTime.class), rs.getBoolean("admitted")))
            .stream().findFirst();
    }

    /**
     * Applies recorded calls, of any tenants, to their quota rows in one round trip (see {@link QuotaStatements#APPLY});
     * calls already applied are skipped. Commits without waiting for its flush: the ledger rows it applies are durable
     * already.
     * @return each tenant's balance afterwards, for the tenants that had calls still to apply
     */
    public Map<String, Balance> apply(Collection<UUID> requestIds) {
        Instant now = clock.instant();
        MapSqlParameterSource params = new MapSqlParameterSource("requestIds", requestIds.toArray(UUID[]::new))
            .addValue("now", Utc.of(now))
            .addValue("month", Windows.at(now).month());
        return OneRoundTrip.lastRows(statements, QuotaStatements.APPLY, params, (rs, n) -> Map.entry(
                    rs.getString("tenant_id"),
                    Balance.of(rs.getBoolean("unlimited") ? null : rs.getBigDecimal("remaining"), rs.getBoolean("alerts"))))
            .stream()
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
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
    }
}
