package com.example.gateway.report;

import com.example.gateway.units.Money;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
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

    /** @throws GatewayException {@code not_found} for an unknown tenant */
    public Statement statement(String tenantId, YearMonth month) {
        return reports.read(jdbc -> statement(jdbc, tenantId, month));
    }

    /** @throws GatewayException {@code not_found} for an unknown tenant */
    public TenantUsage tenantUsage(String tenantId, YearMonth month) {
        return reports.read(jdbc -> tenantUsage(jdbc, tenantId, month));
    }

    private static UsageReport usage(JdbcClient jdbc, UsageQuery query) {
        planForActualParameters(jdbc);
        List<UsageReport.Row> rows = jdbc.sql(ReportStatements.USAGE)
            .param("from", query.period().start())
            .param("to", query.period().end())
            .param("byTenant", query.by(Dimension.TENANT))
            .param("byDay", query.by(Dimension.DAY))
            .param("byModel", query.by(Dimension.MODEL))
            .param("byKey", query.by(Dimension.KEY))
            .query((rs, n) -> new UsageReport.Row(rs.getString("tenant"), rs.getObject("day", LocalDate.class),
                    rs.getString("model"), rs.getObject("key_id", UUID.class), rs.getString("key_prefix"),
                    rs.getLong("calls"), rs.getLong("billed_calls"), rs.getLong("failed_calls"), rs.getLong("images"),
                    Money.plain(rs.getBigDecimal("cost_usd"))))
            .list();
        UsageReport.Row last = rows.getLast();
        UsageReport.Totals total = new UsageReport.Totals(last.calls(), last.billedCalls(), last.failedCalls(),
                last.images(), last.costUsd());
        List<String> groupBy = query.groupBy().stream().map(Dimension::parameter).toList();
        return new UsageReport(query.period().firstDay(), query.period().lastDay(), groupBy, withoutTotal(rows),
                total);
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
        return new Statement(tenant.id(), tenant.name(), month.toString(), Money.plain(tenant.budget()),
                tenant.dailyRequestLimit(), tenant.requestsPerMinute(), tenant.maxConcurrent(), withoutTotal(lines),
                total.calls(), total.billedCalls(), total.images(), total.costUsd());
    }

    private static TenantUsage tenantUsage(JdbcClient jdbc, String tenantId, YearMonth month) {
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
        BigDecimal remaining = tenant.budget() == null ? null
                : tenant.budget().subtract(total.cost()).subtract(tenant.reserved());
        List<TenantUsage.Day> days = withoutTotal(rows).stream()
            .map(d -> new TenantUsage.Day(d.day(), d.calls(), Money.plain(d.cost())))
            .toList();
        return new TenantUsage(tenant.id(), month.toString(), Money.plain(tenant.budget()), Money.plain(total.cost()),
                Money.plain(tenant.reserved()), Money.plain(remaining), tenant.dailyRequestLimit(),
                tenant.requestsPerMinute(), tenant.maxConcurrent(), total.calls(), days);
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
                rs.getObject("max_concurrent", Integer.class), rs.getBigDecimal("reserved_usd"));
    }

    private record TenantRow(String id, String name, BigDecimal budget, Integer dailyRequestLimit,
            Integer requestsPerMinute, Integer maxConcurrent, BigDecimal reserved) {
    }
}
