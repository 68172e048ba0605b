package com.example.gateway.report;

import com.example.gateway.units.Money;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.List;
import java.util.UUID;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Runs the report statements of {@link ReportStatements}: PostgreSQL aggregates, Java only renames columns. Each
 * statement ends with its total row, which PostgreSQL computes too. Reports are planned for their actual parameters
 * ({@code force_custom_plan}): a plan cached for any range and grouping can use neither the statistics on the grouped
 * columns nor parallel workers, and costs far more than planning does. They run on the reports' own pool
 * ({@link Reports}), each in one read-only transaction.
 */
@Component
public class LedgerReports {

    private final Reports reports;

    LedgerReports(Reports reports) {
        this.reports = reports;
    }

    public UsageReport usage(UsageQuery query) {
        return reports.read(jdbc -> usage(jdbc, query));
    }

    public Chargeback chargeback(YearMonth month) {
        return reports.read(jdbc -> chargeback(jdbc, month));
    }

    /** @throws GatewayException {@code not_found} for an unknown cost centre */
    public CostCentreStatement costCentreStatement(String costCentreId, YearMonth month) {
        return reports.read(jdbc -> costCentreStatement(jdbc, costCentreId, month));
    }

    /** @throws GatewayException {@code not_found} for an unknown tenant */
    public Statement statement(String tenantId, YearMonth month) {
        return reports.read(jdbc -> statement(jdbc, tenantId, month));
    }

    /** @throws GatewayException {@code not_found} for an unknown tenant */
    public TenantUsage tenantUsage(String tenantId, YearMonth month) {
        return tenantUsage(tenantId, month, false);
    }

    public TenantUsage tenantUsage(String tenantId, YearMonth month, boolean byProject) {
        return reports.read(jdbc -> tenantUsage(jdbc, tenantId, month, byProject));
    }

    private static UsageReport usage(JdbcClient jdbc, UsageQuery query) {
        Split split = split(jdbc, query.period());
        planForActualParameters(jdbc);
        List<UsageReport.Row> rows = jdbc.sql(ReportStatements.USAGE)
            .param("from", query.period().start())
            .param("to", query.period().end())
            .param("fromDay", query.period().firstDay())
            .param("toDay", query.period().lastDay())
            .param("rollupUntil", split.rollupUntil())
            .param("rawFrom", split.rawFrom())
            .param("byTenant", query.by(Dimension.TENANT))
            .param("byDay", query.by(Dimension.DAY))
            .param("byModel", query.by(Dimension.MODEL))
            .param("byKey", query.by(Dimension.KEY))
            .param("byCostCentre", query.by(Dimension.COST_CENTRE))
            .param("byProject", query.by(Dimension.PROJECT))
            .param("tagKey", query.tagKey(), Types.VARCHAR)
            .param("tenant", query.tenant(), Types.VARCHAR)
            .param("costCentre", query.costCentre(), Types.VARCHAR)
            .param("project", query.project(), Types.VARCHAR)
            .query((rs, n) -> {
                BigDecimal cost = rs.getBigDecimal("cost_usd");
                BigDecimal adjustments = rs.getBigDecimal("adjustments_usd");
                return new UsageReport.Row(rs.getString("tenant"), rs.getObject("day", LocalDate.class),
                        rs.getString("model"), rs.getObject("key_id", UUID.class), rs.getString("key_prefix"),
                        rs.getString("cost_centre"), rs.getString("project"), rs.getString("tag"),
                        rs.getLong("calls"), rs.getLong("billed_calls"), rs.getLong("failed_calls"),
                        rs.getLong("images"), Money.plain(cost), Money.plain(adjustments),
                        Money.plain(cost.add(adjustments)));
            })
            .list();
        UsageReport.Row last = rows.getLast();
        UsageReport.Totals total = new UsageReport.Totals(last.calls(), last.billedCalls(), last.failedCalls(),
                last.images(), last.costUsd(), last.adjustmentsUsd(), last.totalUsd());
        List<String> groupBy = query.groupBy().stream().map(query::column).toList();
        return new UsageReport(query.period().firstDay(), query.period().lastDay(), groupBy, withoutTotal(rows),
                total);
    }

    private static Chargeback chargeback(JdbcClient jdbc, YearMonth month) {
        UtcPeriod period = UtcPeriod.of(month);
        Split split = split(jdbc, period);
        planForActualParameters(jdbc);
        List<Chargeback.Row> rows = jdbc.sql(ReportStatements.CHARGEBACK)
            .param("from", period.start())
            .param("to", period.end())
            .param("month", month.atDay(1))
            .param("fromDay", period.firstDay())
            .param("rollupUntil", split.rollupUntil())
            .param("rawFrom", split.rawFrom())
            .query((rs, n) -> {
                BigDecimal cost = rs.getBigDecimal("cost_usd");
                BigDecimal adjustments = rs.getBigDecimal("adjustments_usd");
                return new Chargeback.Row(rs.getString("cost_centre"), rs.getString("tenant"),
                        rs.getString("project"), rs.getLong("calls"), rs.getLong("images"), Money.plain(cost),
                        Money.plain(adjustments), Money.plain(cost.add(adjustments)));
            })
            .list();
        Chargeback.Row total = rows.getLast();
        return new Chargeback(month.toString(), withoutTotal(rows), total.calls(), total.images(), total.costUsd(),
                total.adjustmentsUsd(), total.totalUsd());
    }

    private static CostCentreStatement costCentreStatement(JdbcClient jdbc, String costCentreId, YearMonth month) {
        record CostCentre(String id, String name, BigDecimal budget) {
        }
        CostCentre costCentre = jdbc.sql(ReportStatements.COST_CENTRE)
            .param("costCentre", costCentreId)
            .query((rs, n) -> new CostCentre(rs.getString("id"), rs.getString("name"),
                    rs.getBigDecimal("monthly_budget_usd")))
            .optional()
            .orElseThrow(() -> new GatewayException(ErrorCode.NOT_FOUND, "No such cost centre."));
        UtcPeriod period = UtcPeriod.of(month);
        Split split = split(jdbc, period);
        planForActualParameters(jdbc);
        List<CostCentreStatement.Line> lines = jdbc.sql(ReportStatements.COST_CENTRE_STATEMENT)
            .param("costCentre", costCentreId)
            .param("from", period.start())
            .param("to", period.end())
            .param("fromDay", period.firstDay())
            .param("rollupUntil", split.rollupUntil())
            .param("rawFrom", split.rawFrom())
            .query((rs, n) -> new CostCentreStatement.Line(rs.getString("tenant"), rs.getString("project"),
                    rs.getString("model"), rs.getLong("calls"), rs.getLong("billed_calls"), rs.getLong("images"),
                    Money.plain(rs.getBigDecimal("cost_usd"))))
            .list();
        record AdjustmentRow(CostCentreStatement.Adjustment view, BigDecimal amount) {
        }
        List<AdjustmentRow> adjustments = jdbc.sql(ReportStatements.COST_CENTRE_ADJUSTMENTS)
            .param("costCentre", costCentreId)
            .param("month", month.atDay(1))
            .query((rs, n) -> new AdjustmentRow(new CostCentreStatement.Adjustment(rs.getObject("id", UUID.class),
                    rs.getString("tenant_id"), rs.getString("project"), rs.getString("kind"), rs.getString("reason"),
                    rs.getObject("request_id", UUID.class), Money.plain(rs.getBigDecimal("amount_usd")),
                    rs.getObject("created_at", OffsetDateTime.class).toInstant()), rs.getBigDecimal("amount_usd")))
            .list();
        CostCentreStatement.Line total = lines.getLast();
        BigDecimal callsUsd = new BigDecimal(total.costUsd());
        BigDecimal adjustmentsUsd = adjustments.stream().map(AdjustmentRow::amount).reduce(BigDecimal.ZERO,
                BigDecimal::add);
        return new CostCentreStatement(costCentre.id(), costCentre.name(), month.toString(),
                Money.plain(costCentre.budget()), withoutTotal(lines),
                adjustments.stream().map(AdjustmentRow::view).toList(), total.calls(), total.billedCalls(),
                total.images(), total.costUsd(), Money.plain(adjustmentsUsd),
                Money.plain(callsUsd.add(adjustmentsUsd)));
    }

    private static Statement statement(JdbcClient jdbc, String tenantId, YearMonth month) {
        TenantRow tenant = tenant(jdbc, tenantId, month);
        planForActualParameters(jdbc);
        UtcPeriod period = UtcPeriod.of(month);
        List<Statement.Line> lines = jdbc.sql(ReportStatements.STATEMENT)
            .param("tenant", tenantId)
            .param("from", period.start())
            .param("to", period.end())
            .query((rs, n) -> new Statement.Line(rs.getObject("day", LocalDate.class), rs.getString("model"),
                    Money.plain(rs.getBigDecimal("unit_price")), rs.getLong("calls"), rs.getLong("billed_calls"),
                    rs.getLong("images"),
                    Money.plain(rs.getBigDecimal("cost_usd"))))
            .list();
        Statement.Line total = lines.getLast();
        BigDecimal callsUsd = new BigDecimal(total.costUsd());
        return new Statement(tenant.id(), tenant.name(), month.toString(), Money.plain(tenant.budget()),
                tenant.dailyRequestLimit(), tenant.requestsPerMinute(), tenant.maxConcurrent(), withoutTotal(lines),
                total.calls(), total.billedCalls(), total.images(), total.costUsd(), Money.plain(tenant.adjustments()),
                Money.plain(callsUsd.add(tenant.adjustments())));
    }

    private static TenantUsage tenantUsage(JdbcClient jdbc, String tenantId, YearMonth month, boolean byProject) {
        TenantRow tenant = tenant(jdbc, tenantId, month);
        planForActualParameters(jdbc);
        UtcPeriod period = UtcPeriod.of(month);
        record DayRow(LocalDate day, long calls, BigDecimal cost) {
        }
        List<DayRow> rows = jdbc.sql(ReportStatements.TENANT_DAYS)
            .param("tenant", tenantId)
            .param("from", period.start())
            .param("to", period.end())
            .query((rs, n) -> new DayRow(rs.getObject("day", LocalDate.class), rs.getLong("calls"),
                    rs.getBigDecimal("cost_usd")))
            .list();
        DayRow total = rows.getLast();
        BigDecimal spent = total.cost().add(tenant.adjustments());
        BigDecimal remaining = tenant.budget() == null ? null
                : tenant.budget().subtract(spent).subtract(tenant.reserved());
        List<TenantUsage.Day> days = withoutTotal(rows).stream()
            .map(d -> new TenantUsage.Day(d.day(), d.calls(), Money.plain(d.cost())))
            .toList();
        List<TenantUsage.Project> projects = byProject ? projects(jdbc, tenantId, month) : null;
        return new TenantUsage(tenant.id(), month.toString(), Money.plain(tenant.budget()), Money.plain(spent),
                Money.plain(tenant.adjustments()), Money.plain(tenant.reserved()), Money.plain(remaining),
                tenant.dailyRequestLimit(), tenant.requestsPerMinute(), tenant.maxConcurrent(), total.calls(), days,
                projects);
    }

    private static List<TenantUsage.Project> projects(JdbcClient jdbc, String tenantId, YearMonth month) {
        UtcPeriod period = UtcPeriod.of(month);
        List<TenantUsage.Project> rows = jdbc.sql(ReportStatements.TENANT_PROJECTS)
            .param("tenant", tenantId)
            .param("from", period.start())
            .param("to", period.end())
            .param("month", month.atDay(1))
            .query((rs, n) -> {
                BigDecimal cost = rs.getBigDecimal("cost_usd");
                BigDecimal adjustments = rs.getBigDecimal("adjustments_usd");
                return new TenantUsage.Project(rs.getString("project"), rs.getLong("calls"), Money.plain(cost),
                        Money.plain(adjustments), Money.plain(cost.add(adjustments)));
            })
            .list();
        return withoutTotal(rows);
    }

    /**
     * Where a report over the period stops reading the sealed days' sums ({@link LedgerRollup}) and starts reading the
     * ledger: the first unsealed day within the period. Read in the report's own snapshot, so nothing is counted twice
     * or missed.
     */
    private static Split split(JdbcClient jdbc, UtcPeriod period) {
        LocalDate sealedUntil = jdbc.sql(ReportStatements.SEALED_UNTIL).query(LocalDate.class).optional().orElse(null);
        LocalDate until = period.firstDay();
        if (sealedUntil != null && sealedUntil.isAfter(until)) {
            until = sealedUntil.isAfter(period.lastDay()) ? period.lastDay().plusDays(1) : sealedUntil;
        }
        return new Split(until, UtcPeriod.startOf(until));
    }

    private record Split(LocalDate rollupUntil, OffsetDateTime rawFrom) {
    }

    private static void planForActualParameters(JdbcClient jdbc) {
        jdbc.sql("SET LOCAL plan_cache_mode = force_custom_plan").update();
    }

    /** Every report statement orders its total row last. */
    private static <T> List<T> withoutTotal(List<T> rows) {
        return List.copyOf(rows.subList(0, rows.size() - 1));
    }

    private static TenantRow tenant(JdbcClient jdbc, String tenantId, YearMonth month) {
        return jdbc.sql(ReportStatements.TENANT)
            .param("tenant", tenantId)
            .param("month", month.atDay(1))
            .query(LedgerReports::tenantRow)
            .optional()
            .orElseThrow(() -> new GatewayException(ErrorCode.NOT_FOUND, "No such tenant."));
    }

    private static TenantRow tenantRow(ResultSet rs, int n) throws SQLException {
        return new TenantRow(rs.getString("id"), rs.getString("name"), rs.getBigDecimal("monthly_budget_usd"),
                rs.getObject("daily_request_limit", Integer.class), rs.getObject("requests_per_minute", Integer.class),
                rs.getObject("max_concurrent", Integer.class), rs.getBigDecimal("reserved_usd"),
                rs.getBigDecimal("adjustments_usd"));
    }

    private record TenantRow(String id, String name, BigDecimal budget, Integer dailyRequestLimit,
            Integer requestsPerMinute, Integer maxConcurrent, BigDecimal reserved, BigDecimal adjustments) {
    }
}
