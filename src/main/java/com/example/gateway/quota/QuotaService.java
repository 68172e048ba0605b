package com.example.gateway.quota;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import com.example.gateway.web.ErrorCode;
import com.example.gateway.web.GatewayException;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Admission and settlement. Admission checks every limit and reserves the call's exact price in one conditional
 * {@code UPDATE} on the tenant's quota row: PostgreSQL's row lock serialises concurrent admissions of one tenant,
 * whichever replica sends them, so together they can never overshoot. Settlement deletes the reservation, charges the
 * cost and writes the ledger row in one statement, so a charge never exists without its row.
 */
@Service
public class QuotaService {

    private static final String RESERVE = """
            WITH admitted AS (
                UPDATE quota_state q SET
                    month_spent_usd = CASE WHEN q.month = :month THEN q.month_spent_usd ELSE 0 END,
                    month = :month,
                    reserved_usd = q.reserved_usd + :price,
                    in_flight = q.in_flight + 1,
                    day_calls = CASE WHEN q.day = :day THEN q.day_calls ELSE 0 END + 1,
                    day = :day,
                    minute_calls = CASE WHEN q.minute = :minute THEN q.minute_calls ELSE 0 END + 1,
                    minute = :minute
                FROM tenant t
                WHERE q.tenant_id = :tenant AND t.id = q.tenant_id AND NOT t.suspended
                  AND (t.monthly_budget_usd IS NULL OR
                       CASE WHEN q.month = :month THEN q.month_spent_usd ELSE 0 END + q.reserved_usd + :price
                           <= t.monthly_budget_usd)
                  AND (t.daily_request_limit IS NULL OR
                       CASE WHEN q.day = :day THEN q.day_calls ELSE 0 END < t.daily_request_limit)
                  AND (t.requests_per_minute IS NULL OR
                       CASE WHEN q.minute = :minute THEN q.minute_calls ELSE 0 END < t.requests_per_minute)
                  AND (t.max_concurrent IS NULL OR q.in_flight < t.max_concurrent)
                RETURNING q.tenant_id
            )
            INSERT INTO reservation (request_id, tenant_id, key_id, model_id, endpoint, images, amount_usd, month,
                                     idempotency_key, prompt_sha256, created_at, holds_upstream_slot)
            SELECT :requestId, tenant_id, :keyId, :model, :endpoint, :images, :price, :month, :idempotencyKey,
                   :promptSha256, :now, :holdsSlot
            FROM admitted
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

    QuotaService(JdbcClient jdbc, Clock clock, QuotaProperties properties, DataSource dataSource,
            SettlementWriter settlements) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.upstreamMaxInFlight = properties.upstreamMaxInFlight();
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.settlements = settlements;
    }

    /** Creates the quota row of a new tenant; runs in the caller's transaction. */
    public void open(String tenantId) {
        Windows windows = Windows.at(clock.instant());
        jdbc.sql("INSERT INTO quota_state (tenant_id, month, day, minute) VALUES (?, ?, ?, ?)")
            .params(tenantId, windows.month(), windows.day(), windows.minute())
            .update();
    }

    /**
     * Admits the call and reserves its price, or throws the reason it cannot be admitted. The reservation commits
     * without waiting for its WAL flush: it is visible to every replica at once, which is all exactness needs, and the
     * tenant's row lock is not held through a disk sync. The settlement, which carries the money, is durable; should
     * PostgreSQL crash and lose a reservation, its settlement still writes the ledger row (see {@link SettlementWriter}).
     * @throws GatewayException {@code budget_exhausted}, {@code daily_limit}, {@code rate_limited},
     * {@code too_many_concurrent}, {@code tenant_suspended} or {@code upstream_rate_limited}
     */
    public Reservation reserve(Admission admission) {
        Instant now = clock.instant();
        Windows windows = Windows.at(now);
        boolean admitted;
        if (upstreamMaxInFlight == null) {
            // One autocommit statement: the tenant's row is locked only while PostgreSQL runs it, never while a busy
            // client thread is between two round trips.
            admitted = reserveForTenant(admission, false, now, windows) > 0;
        }
        else {
            // Tenant and account slot in one transaction: a call refused by either holds neither.
            admitted = Boolean.TRUE.equals(transactions.execute(tx -> {
                if (reserveForTenant(admission, true, now, windows) == 0) {
                    return false;
                }
                if (jdbc.sql(TAKE_UPSTREAM_SLOT).param(upstreamMaxInFlight).update() == 0) {
                    throw new GatewayException(ErrorCode.UPSTREAM_RATE_LIMITED,
                            "The ModelsLab account is at its limit of queued requests; retry shortly.",
                            Duration.ofSeconds(1));
                }
                return true;
            }));
        }
        if (!admitted) {
            throw rejection(admission, now);
        }
        return new Reservation(admission, now, windows.month());
    }

    private int reserveForTenant(Admission admission, boolean holdsSlot, Instant now, Windows windows) {
        return jdbc.sql(RESERVE)
            .param("holdsSlot", holdsSlot)
            .param("month", windows.month())
            .param("day", windows.day())
            .param("minute", windows.minute())
            .param("tenant", admission.tenantId())
            .param("price", admission.price())
            .param("requestId", admission.requestId())
            .param("keyId", admission.keyId())
            .param("model", admission.modelId())
            .param("endpoint", admission.endpoint())
            .param("images", admission.images())
            .param("idempotencyKey", admission.idempotencyKey())
            .param("promptSha256", admission.promptSha256())
            .param("now", utc(now))
            .update();
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
        State state = state(admission.tenantId())
            .orElseThrow(() -> new GatewayException(ErrorCode.INVALID_KEY, "Invalid API key."));
        if (state.suspended()) {
            return new GatewayException(ErrorCode.TENANT_SUSPENDED, "This tenant is suspended; ask the platform team.");
        }
        if (state.budget() != null
                && state.spentIn(windows).add(state.reserved()).add(admission.price()).compareTo(state.budget()) > 0) {
            return new GatewayException(ErrorCode.BUDGET_EXHAUSTED,
                    "The monthly budget of this tenant cannot cover this call.");
        }
        if (state.dailyLimit() != null && state.callsIn(windows) >= state.dailyLimit()) {
            Duration untilTomorrow = Duration.between(now, windows.day().plusDays(1).atStartOfDay(ZoneOffset.UTC));
            return new GatewayException(ErrorCode.DAILY_LIMIT, "The daily request limit of this tenant is reached.",
                    roundUp(untilTomorrow));
        }
        if (state.perMinute() != null && state.minuteCallsIn(windows) >= state.perMinute()) {
            Duration untilNextMinute = Duration.between(now, windows.minute().plusMinutes(1));
            return new GatewayException(ErrorCode.RATE_LIMITED, "Too many requests per minute for this tenant.",
                    roundUp(untilNextMinute));
        }
        // The remaining reason; also the answer when another call settled between the UPDATE and this read.
        return new GatewayException(ErrorCode.TOO_MANY_CONCURRENT, "Too many calls of this tenant are in flight.",
                Duration.ofSeconds(1));
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

    private static Duration roundUp(Duration duration) {
        long seconds = duration.toSeconds() + (duration.toNanosPart() > 0 ? 1 : 0);
        return Duration.ofSeconds(Math.max(1, seconds));
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
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
