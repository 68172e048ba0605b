package com.example.gateway.ledger;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import com.example.gateway.units.Utc;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Credits and debits of a tenant's spending, as ledger entries of their own. Recording one moves the month's spending
 * of the tenant's quota row and of its cost centre's, in the same statement, so budgets follow at once; a call's row is
 * never edited. An entry for a month that is over moves no budget (statements and reports show it).
 */
@Service
public class Adjustments {

    /**
     * Moves the tenant's and its cost centre's spending by the adjustment just inserted ({@code %s}, a CTE named
     * {@code adjustment}), when their quota rows are in its month or an older one (an older row is rolled into it, as
     * admission would). Locks the cost centre's row before the tenant's (the tenant's update waits for the cost
     * centre's through its one-time filter), the order of every statement that locks both
     * ({@code QuotaStatements.lockingLevelsOf}).
     */
    private static final String MOVE_BUDGETS = """
            WITH adjustment AS (%s
                RETURNING id, tenant_id, cost_centre_id, project, month, amount_usd, reason, kind, request_id, created_at
            ), cost_centre_row AS (
                UPDATE cost_centre_quota_state c SET
                    month_spent_usd = CASE WHEN c.month >= a.month THEN c.month_spent_usd ELSE 0 END
                        + CASE WHEN c.month <= a.month THEN a.amount_usd ELSE 0 END,
                    month = greatest(c.month, a.month)
                FROM adjustment a WHERE c.cost_centre_id = a.cost_centre_id
                RETURNING c.cost_centre_id
            ), tenant_row AS (
                UPDATE quota_state q SET
                    month_spent_usd = CASE WHEN q.month >= a.month THEN q.month_spent_usd ELSE 0 END
                        + CASE WHEN q.month <= a.month THEN a.amount_usd ELSE 0 END,
                    month = greatest(q.month, a.month)
                FROM adjustment a
                WHERE q.tenant_id = a.tenant_id AND (SELECT count(*) FROM cost_centre_row) >= 0
                RETURNING q.tenant_id
            )
            SELECT a.* FROM adjustment a LEFT JOIN (SELECT count(*) FROM tenant_row) AS moved ON true
            """;

    private static final String RECORD_MANUAL = MOVE_BUDGETS.formatted("""
            INSERT INTO ledger_adjustment (id, tenant_id, cost_centre_id, project, month, amount_usd, reason, kind,
                                           created_at)
                SELECT :id, t.id, t.cost_centre_id, :project, :month, :amount, :reason, 'manual', :now
                FROM tenant t WHERE t.id = :tenant""");

    /** The call's cost back, in the call's month, once per call; nothing for a call that cost nothing. */
    private static final String CREDIT_FAILED_GENERATION = MOVE_BUDGETS.formatted("""
            INSERT INTO ledger_adjustment (id, tenant_id, cost_centre_id, project, month, amount_usd, reason, kind,
                                           request_id, created_at)
                SELECT :id, l.tenant_id, l.cost_centre_id, l.project,
                       date_trunc('month', l.created_at AT TIME ZONE 'UTC')::date, -l.cost_usd, :reason,
                       'failed_generation_credit', l.request_id, :now
                FROM call_ledger l WHERE l.request_id = :requestId AND l.cost_usd > 0
                ON CONFLICT (request_id) WHERE kind = 'failed_generation_credit' DO NOTHING""");

    private static final String LIST = """
            SELECT id, tenant_id, cost_centre_id, project, month, amount_usd, reason, kind, request_id, created_at
            FROM ledger_adjustment WHERE tenant_id = :tenant AND month = :month ORDER BY created_at, id
            """;

    /** As {@code X-Gateway-Project} allows, so an adjustment can be billed to any project a call can. */
    private static final Pattern PROJECT = Pattern.compile("[a-z0-9._-]{1,64}");

    private final JdbcClient jdbc;
    private final Clock clock;

    Adjustments(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Records an admin's adjustment of {@code tenant}'s spending in {@code month}, which may not be in the future. The
     * one place its rules are checked, for the admin API and the console alike.
     * @throws GatewayException 404 for an unknown tenant; 400 naming the field for a zero or too large amount, a blank
     * or too long reason, an invalid project, a month to come
     */
    public Adjustment record(String tenant, BigDecimal amount, String reason, YearMonth month, String project) {
        BigDecimal exact = amount == null ? null : amount.stripTrailingZeros();
        if (exact == null || exact.signum() == 0 || exact.precision() - exact.scale() > 10 || exact.scale() > 8) {
            throw invalid("Invalid field 'amountUsd' must be a non-zero amount in USD (negative for a credit) with at "
                    + "most 10 digits before the point and 8 after.");
        }
        if (reason == null || reason.isBlank() || reason.length() > 500) {
            throw invalid("Invalid field 'reason' must not be blank and at most 500 characters.");
        }
        if (project != null && !PROJECT.matcher(project).matches()) {
            throw invalid("Invalid field 'project' must be 1 to 64 of a-z, 0-9, '.', '_' and '-'.");
        }
        if (month.isAfter(currentMonth())) {
            throw invalid("Invalid field 'month': an adjustment may not be for a month to come.");
        }
        return jdbc.sql(RECORD_MANUAL)
            .param("id", UUID.randomUUID())
            .param("tenant", tenant)
            .param("project", project)
            .param("month", month.atDay(1))
            .param("amount", amount)
            .param("reason", reason.strip())
            .param("now", Utc.of(clock.instant()))
            .query(Adjustments::adjustment)
            .optional()
            .orElseThrow(() -> new GatewayException(ErrorCode.NOT_FOUND, "No such tenant."));
    }

    /**
     * Credits a charged call whose generation failed with its cost, in the call's month, at most once however often
     * it is reported.
     * @return the credit, or empty when the call is not (yet) in the ledger, cost nothing, or was credited already
     */
    public Optional<Adjustment> creditFailedGeneration(UUID requestId, String reason) {
        return jdbc.sql(CREDIT_FAILED_GENERATION)
            .param("id", UUID.randomUUID())
            .param("requestId", requestId)
            .param("reason", reason)
            .param("now", Utc.of(clock.instant()))
            .query(Adjustments::adjustment)
            .optional();
    }

    public List<Adjustment> list(String tenant, YearMonth month) {
        return jdbc.sql(LIST).param("tenant", tenant).param("month", month.atDay(1))
            .query(Adjustments::adjustment)
            .list();
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(ErrorCode.INVALID_REQUEST, message);
    }

    private YearMonth currentMonth() {
        return YearMonth.from(Utc.of(clock.instant()));
    }

    private static Adjustment adjustment(ResultSet rs, int row) throws SQLException {
        return new Adjustment(rs.getObject("id", UUID.class), rs.getString("tenant_id"),
                rs.getString("cost_centre_id"), rs.getString("project"),
                YearMonth.from(rs.getObject("month", LocalDate.class)), rs.getBigDecimal("amount_usd"),
                rs.getString("reason"), rs.getString("kind"), rs.getObject("request_id", UUID.class),
                rs.getObject("created_at", OffsetDateTime.class).toInstant());
    }
}
