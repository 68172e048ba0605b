package com.example.gateway.console;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.example.gateway.reconciliation.Reconciliation;
import com.example.gateway.report.CallLog;
import com.example.gateway.report.LedgerReports;
import com.example.gateway.report.UsageQuery;
import com.example.gateway.report.UsageReport;
import com.example.gateway.tenant.TenantService;
import com.example.gateway.tenant.TenantView;
import com.example.gateway.units.Money;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * This month's spending against each tenant's budget, spending per day, the last 24 hours of calls from the ledger,
 * the latency this replica added, and ModelsLab's balance with the newest reconciliation drift.
 */
@Controller
@ConsolePage(title = "Overview", path = "/console", order = 10,
        roles = { ConsoleRole.ADMIN, ConsoleRole.FINANCE })
class OverviewController {

    private final TenantService tenants;
    private final LedgerReports reports;
    private final CallLog calls;
    private final Reconciliation reconciliation;
    private final MeterRegistry meters;
    private final Charts charts;
    private final Clock clock;

    OverviewController(TenantService tenants, LedgerReports reports, CallLog calls, Reconciliation reconciliation,
            MeterRegistry meters, Charts charts, Clock clock) {
        this.tenants = tenants;
        this.reports = reports;
        this.calls = calls;
        this.reconciliation = reconciliation;
        this.meters = meters;
        this.charts = charts;
        this.clock = clock;
    }

    @GetMapping("/console")
    String overview(Model model) {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        YearMonth month = YearMonth.from(today);
        UsageReport byTenant = reports.usage(UsageQuery.parse(month.atDay(1).toString(), today.toString(), "tenant"));
        Map<String, String> spent = byTenant.rows().stream()
            .collect(Collectors.toMap(UsageReport.Row::tenant, UsageReport.Row::costUsd));
        List<Budget> budgets = tenants.list().stream()
            .map(tenant -> budget(tenant, spent.getOrDefault(tenant.id(), "0")))
            .sorted(Comparator.comparing((Budget b) -> new BigDecimal(b.spentUsd())).reversed()
                .thenComparing(Budget::tenant))
            .toList();
        UsageReport byDay = reports.usage(UsageQuery.parse(month.atDay(1).toString(), today.toString(), "day"));
        model.addAttribute("month", month);
        model.addAttribute("budgets", budgets);
        model.addAttribute("monthTotal", byTenant.total());
        model.addAttribute("days", byDay.rows());
        model.addAttribute("dayChart", charts.perDay("USD per day", month.atDay(1), today, byDay.rows().stream()
            .collect(Collectors.toMap(UsageReport.Row::day, row -> new BigDecimal(row.costUsd())))));
        model.addAttribute("recent", calls.recent(now.minus(Duration.ofHours(24))));
        model.addAttribute("addedLatency", addedLatency());
        model.addAttribute("balanceUsd", reconciliation.latestBalance().map(Money::plain).orElse(null));
        model.addAttribute("driftUsd", reconciliation.latestDrift().map(Money::plain).orElse(null));
        return "console/overview";
    }

    private static Budget budget(TenantView tenant, String spentUsd) {
        return new Budget(tenant.id(), tenant.name(), tenant.suspended(), spentUsd,
                Money.plain(tenant.monthlyBudgetUsd()), Amounts.percent(spentUsd, tenant.monthlyBudgetUsd()));
    }

    /** The mean and worst latency this replica added to calls since it started (from its own metrics). */
    private AddedLatency addedLatency() {
        List<Timer> timers = meters.find("gateway.added.latency").timers().stream().toList();
        long count = timers.stream().mapToLong(Timer::count).sum();
        if (count == 0) {
            return new AddedLatency(0, null, null);
        }
        double total = timers.stream().mapToDouble(t -> t.totalTime(TimeUnit.MILLISECONDS)).sum();
        double max = timers.stream().mapToDouble(t -> t.max(TimeUnit.MILLISECONDS)).max().orElse(0);
        return new AddedLatency(count, "%.1f".formatted(total / count), "%.1f".formatted(max));
    }

    public record Budget(String tenant, String name, boolean suspended, String spentUsd, String budgetUsd, int percent) {

        /** The bar's width: full when the budget is used up or passed. */
        public int barPercent() {
            return Math.min(100, percent);
        }
    }

    public record AddedLatency(long calls, String meanMs, String maxMs) {
    }

}
