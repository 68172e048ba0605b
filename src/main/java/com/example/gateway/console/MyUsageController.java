package com.example.gateway.console;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.stream.Collectors;

import com.example.gateway.report.LedgerReports;
import com.example.gateway.report.TenantUsage;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * A tenant's own month, the same figures as {@code GET /api/v1/usage} with its key: spent, held, left, and spending
 * per UTC day and per project ({@code ?groupBy=project}). The tenant comes only from the session.
 */
@Controller
@ConsolePage(title = "My usage", path = "/console/me", order = 100, roles = ConsoleRole.TENANT)
class MyUsageController {

    private final LedgerReports reports;
    private final Charts charts;
    private final Clock clock;

    MyUsageController(LedgerReports reports, Charts charts, Clock clock) {
        this.reports = reports;
        this.charts = charts;
        this.clock = clock;
    }

    @GetMapping("/console/me")
    String usage(Authentication authentication, @RequestParam(required = false) String month, Model model) {
        YearMonth picked = Amounts.month(month, YearMonth.now(clock.withZone(ZoneOffset.UTC)));
        TenantUsage usage = reports.tenantUsage(ConsoleUser.of(authentication).tenant(), picked, true);
        model.addAttribute("month", picked);
        model.addAttribute("usage", usage);
        model.addAttribute("chart", charts.perDay("USD per day", picked.atDay(1), picked.atEndOfMonth(),
                usage.days().stream().collect(Collectors.toMap(TenantUsage.Day::day,
                        day -> new BigDecimal(day.costUsd())))));
        return "console/me";
    }
}
