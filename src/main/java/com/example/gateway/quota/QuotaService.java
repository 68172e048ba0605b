package com.example.gateway.quota;

import java.math.BigDecimal;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Admission and settlement. Admission checks every limit and reserves the call's exact price in one conditional
 * {@code UPDATE} on the tenant's quota row: PostgreSQL's row lock serialises concurrent admissions of one tenant,
 * whichever replica sends them, so together they can never overshoot. The statement runs on an
 * {@link AdmissionThreads admission thread}. Settlement first writes the call's ledger row durably, then moves the call
 * from the reservations into the spending, so a charge never exists without its row (see {@link SettlementWriter}).
 */
@Service
public class QuotaService {

    /**
     * Authenticates the key and admits the call in one statement: the key's row, then the conditional update of its
     * tenant's quota row, then the reservation. Answers one row for a valid key (with whether the call was admitted),
     * none for an unknown or revoked one.
     */
    static final String RESERVE = """
            WITH caller AS (
                SELECT k.id AS key_id, k.tenant_id, t.suspended
                FROM api_key k JOIN tenant t ON t.id = k.tenant_id
                WHERE k.key_hash = :keyHash AND k.revoked_at IS NULL
            ), admitted AS (
                UPDATE quota_state q SET
                    month_spent_usd = CASE WHEN q.month = :month THEN q.month_spent_usd ELSE 0 END,
                    month = :month,
                    reserved_usd = q.reserved_usd + :price,
                    in_flight = q.in_flight + 1,
                    day_calls = CASE WHEN q.day = :day THEN q.day_calls ELSE 0 END + 1,
                    day = :day,
                    minute_calls = CASE WHEN q.minute = :minute THEN q.minute_calls ELSE 0 END + 1,
                    minute = :minute
                FROM caller c JOIN tenant t ON t.id = c.tenant_id
                WHERE q.tenant_id = c.tenant_id AND NOT t.suspended
                  AND (t.monthly_budget_usd IS NULL OR
                       CASE WHEN q.month = :month THEN q.month_spent_usd ELSE 0 END + q.reserved_usd + :price
                           <= t.monthly_budget_usd)
                  AND (t.daily_request_limit IS NULL OR
                       CASE WHEN q.day = :day THEN q.day_calls ELSE 0 END < t.daily_request_limit)
                  AND (t.requests_per_minute IS NULL OR
                       CASE WHEN q.minute = :minute THEN q.minute_calls ELSE 0 END < t.requests_per_minute)
                  AND (t.max_concurrent IS NULL OR q.in_flight < t.max_concurrent)
                RETURNING q.tenant_id
            ), reserved AS (
                INSERT INTO reservation (request_id, tenant_id, key_id, model_id, endpoint, images, amount_usd, month,
                                         idempotency_key, prompt_sha256, created_at, holds_upstream_slot)
                SELECT :requestId, a.tenant_id, c.key_id, :model, :endpoint, :images, :price, :month, :idempotencyKey,
                       :promptSha256, :now, :holdsSlot
                FROM admitted a CROSS JOIN caller c
                RETURNING request_id
            )
            SELECT c.key_id, c.tenant_id, c.suspended, EXISTS (SELECT 1 FROM reserved) AS admitted
            FROM caller c
            -- Commit without waiting for the WAL flush (see reserve()); transaction-local, so it ends with this statement.
            CROSS JOIN (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit
            """;

    private static final String TAKE_UPSTREAM_SLOT = """
            UPDATE upstream_slot SET in_flight = in_flight + 1 WHERE id = 1 AND in_flight < ?
            """;

    private static final String STATE = """
            SELECT t.suspended, t.monthly_budget_usd, t.daily_request_limit, t.requests_per_minute, t.max_concurrent,
                   q.month, q.month_spent_usd, q.reserved_usd, q.in_flight, q.day, q.day_calls, q.minute, q.minute_calls
            FROM tenant t JOIN quota_state q ON q.tenant_id = t.id
            WHERE t.id = ?
            """;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Integer upstreamMaxInFlight;
    private final TransactionTemplate transactions;
    private final SettlementWriter settlements;
    private final AdmissionThreads admissionThreads;

    QuotaService(JdbcClient jdbc, Clock clock, QuotaProperties properties, DataSource dataSource,
            SettlementWriter settlements, AdmissionThreads admissionThreads) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.upstreamMaxInFlight = properties.upstreamMaxInFlight();
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.settlements = settlements;
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
     * Authenticates the tenant key and, in the same statement, admits the call and reserves its price, or throws the
     * reason it cannot be admitted. The reservation commits without waiting for its WAL flush: it is visible to every
     * replica at once, which is all exactness needs, and the tenant's row lock is not held through a disk sync. The
     * settlement, which carries the money, is durable; should PostgreSQL crash and lose a reservation, its settlement
     * still writes the ledger row (see {@link SettlementWriter}).
     * @param keyHash the hash of the tenant key the call came with
     * @throws GatewayException {@code invalid_key} or {@code tenant_suspended}, or an {@link AdmissionRefused}
     * ({@code budget_exhausted}, {@code daily_limit}, {@code rate_limited}, {@code too_many_concurrent},
     * {@code upstream_rate_limited})
     */
    public Reservation reserve(byte[] keyHash, AdmissionRequest request) {
        Instant now = clock.instant();
        Windows windows = Windows.at(now);
        Admitted admitted = admissionThreads.run(() -> admit(keyHash, request, now, windows))
            .orElseThrow(QuotaService::invalidKey);
        if (admitted.suspended()) {
            throw suspended();
        }
        Admission admission = request.by(admitted.tenantId(), admitted.keyId());
        if (!admitted.admitted()) {
            throw rejection(admission, now);
        }
        return new Reservation(admission, now, windows.month());
    }

    /** The admission statement (with the account-wide slot when that cap is on); runs on an admission thread. */
    private Optional<Admitted> admit(byte[] keyHash, AdmissionRequest request, Instant now, Windows windows) {
        if (upstreamMaxInFlight == null) {
            // One autocommit statement: the tenant's row is locked only while PostgreSQL runs it, never while a busy
            // client thread is between two round trips.
            return reserveStatement(keyHash, request, false, now, windows);
        }
        // Tenant and account slot in one transaction: a call refused by either holds neither.
        return transactions.execute(tx -> {
            Optional<Admitted> admitted = reserveStatement(keyHash, request, true, now, windows);
            if (admitted.isPresent() && admitted.get().admitted()
                    && jdbc.sql(TAKE_UPSTREAM_SLOT).param(upstreamMaxInFlight).update() == 0) {
                throw new AdmissionRefused(admitted.get().tenantId(), ErrorCode.UPSTREAM_RATE_LIMITED,
                        "The ModelsLab account is at its limit of queued requests; retry shortly.",
                        Duration.ofSeconds(1));
            }
            return admitted;
        });
    }

    private Optional<Admitted> reserveStatement(byte[] keyHash, AdmissionRequest request, boolean holdsSlot,
            Instant now, Windows windows) {
        return jdbc.sql(RESERVE)
            .param("keyHash", keyHash)
            .param("holdsSlot", holdsSlot)
            .param("month", windows.month())
            .param("day", windows.day())
            .param("minute", windows.minute())
            .param("price", request.price())
            .param("requestId", request.requestId())
            .param("model", request.modelId())
            .param("endpoint", request.endpoint())
            .param("images", request.images())
            // Typed, null or not: a null of unknown type makes pgJDBC describe the statement, and pgJDBC before
            // 42.7.13 then spends one more round trip on every execution of it (AdmissionRoundTripsTest).
            .param("idempotencyKey", request.idempotencyKey(), Types.VARCHAR)
            .param("promptSha256", request.promptSha256())
            .param("now", utc(now))
            .query((rs, n) -> new Admitted(rs.getObject("key_id", UUID.class), rs.getString("tenant_id"),
                    rs.getBoolean("suspended"), rs.getBoolean("admitted")))
            .optional();
    }

    /**
     * Releases the reservation, charges the cost and writes the call's ledger row, durably, before returning.
     * @param alsoInTransaction more work that must commit with the settlement (an idempotent answer), or {@code null}
     */
    public Balance settle(Reservation reservation, Settlement settlement, Runnable alsoInTransaction) {
        return settlements.settle(reservation, settlement, alsoInTransaction);
    }

    /** The tenant's consumption in the current month and day. */
    public Optional<QuotaUsage> usage(String tenantId) {
        Windows windows = Windows.at(clock.instant());
        return state(tenantId).map(s -> {
            BigDecimal spent = s.spentIn(windows);
            BigDecimal remaining = s.budget() == null ? null : s.budget().subtract(spent).subtract(s.reserved());
            return new QuotaUsage(spent, s.reserved(), remaining, s.callsIn(windows), s.inFlight());
        });
    }

    private GatewayException rejection(Admission admission, Instant now) {
        Windows windows = Windows.at(now);
        String tenantId = admission.tenantId();
        State state = state(tenantId)
            .orElseThrow(QuotaService::invalidKey);
        if (state.suspended()) {
            return suspended();
        }
        if (state.budget() != null
                && state.spentIn(windows).add(state.reserved()).add(admission.price()).compareTo(state.budget()) > 0) {
            return new AdmissionRefused(tenantId, ErrorCode.BUDGET_EXHAUSTED,
                    "The monthly budget of this tenant cannot cover this call.", null);
        }
        if (state.dailyLimit() != null && state.callsIn(windows) >= state.dailyLimit()) {
            Duration untilTomorrow = Duration.between(now, windows.day().plusDays(1).atStartOfDay(ZoneOffset.UTC));
            return new AdmissionRefused(tenantId, ErrorCode.DAILY_LIMIT,
                    "The daily request limit of this tenant is reached.", roundUp(untilTomorrow));
        }
        if (state.perMinute() != null && state.minuteCallsIn(windows) >= state.perMinute()) {
            Duration untilNextMinute = Duration.between(now, windows.minute().plusMinutes(1));
            return new AdmissionRefused(tenantId, ErrorCode.RATE_LIMITED,
                    "Too many requests per minute for this tenant.", roundUp(untilNextMinute));
        }
        // The remaining reason; also the answer when another call settled between the UPDATE and this read.
        return new AdmissionRefused(tenantId, ErrorCode.TOO_MANY_CONCURRENT,
                "Too many calls of this tenant are in flight.", Duration.ofSeconds(1));
    }

    private Optional<State> state(String tenantId) {
        return jdbc.sql(STATE).param(tenantId).query((rs, n) -> new State(rs.getBoolean("suspended"),
                rs.getBigDecimal("monthly_budget_usd"), (Integer) rs.getObject("daily_request_limit"),
                (Integer) rs.getObject("requests_per_minute"), (Integer) rs.getObject("max_concurrent"),
                rs.getObject("month", LocalDate.class), rs.getBigDecimal("month_spent_usd"),
                rs.getBigDecimal("reserved_usd"), rs.getInt("in_flight"), rs.getObject("day", LocalDate.class),
                rs.getInt("day_calls"), rs.getObject("minute", OffsetDateTime.class), rs.getInt("minute_calls")))
            .optional();
    }

    private static GatewayException invalidKey() {
        return new GatewayException(ErrorCode.INVALID_KEY, "Invalid API key.");
    }

    private static GatewayException suspended() {
        return new GatewayException(ErrorCode.TENANT_SUSPENDED, "This tenant is suspended; ask the platform team.");
    }

    private static Duration roundUp(Duration duration) {
        long seconds = duration.toSeconds() + (duration.toNanosPart() > 0 ? 1 : 0);
        return Duration.ofSeconds(Math.max(1, seconds));
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private record Admitted(UUID keyId, String tenantId, boolean suspended, boolean admitted) {
    }

    /** The calendar month, day and minute (UTC) that counters belong to. */
    record Windows(LocalDate month, LocalDate day, OffsetDateTime minute) {

        static Windows at(Instant now) {
            OffsetDateTime utc = now.atOffset(ZoneOffset.UTC);
            return new Windows(utc.toLocalDate().withDayOfMonth(1), utc.toLocalDate(),
                    utc.truncatedTo(ChronoUnit.MINUTES));
        }
    }

    private record State(boolean suspended, BigDecimal budget, Integer dailyLimit, Integer perMinute,
            Integer maxConcurrent, LocalDate month, BigDecimal monthSpent, BigDecimal reserved, int inFlight,
            LocalDate day, int dayCalls, OffsetDateTime minute, int minuteCalls) {

        BigDecimal spentIn(Windows windows) {
            return windows.month().equals(month) ? monthSpent : BigDecimal.ZERO;
        }

        int callsIn(Windows windows) {
            return windows.day().equals(day) ? dayCalls : 0;
        }

        int minuteCallsIn(Windows windows) {
            return windows.minute().isEqual(minute) ? minuteCalls : 0;
        }
    }
}
