package com.example.gateway.console;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.example.gateway.report.LedgerReports;
import com.example.gateway.report.ReportCsv;
import com.example.gateway.report.UsageQuery;
import com.example.gateway.report.UsageReport;

import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The usage explorer: the admin API's usage report ({@code GET /admin/usage}) for a range of UTC days, grouped by any
 * of its dimensions, optionally narrowed to one tenant or model (a filter on a dimension also groups by it, so every
 * row shown is one the API gives). The CSV link downloads exactly the rows on the page, in the API's CSV form; with no
 * filter it is byte for byte the API's file.
 */
@Controller
@ConsolePage(title = "Usage", path = "/console/usage", order = 30, roles = { ConsoleRole.ADMIN, ConsoleRole.FINANCE })
class UsageController {

    static final List<String> DIMENSIONS = List.of("tenant", "day", "model", "key");

    private final LedgerReports reports;
    private final Charts charts;
    private final Clock clock;

    UsageController(LedgerReports reports, Charts charts, Clock clock) {
        this.reports = reports;
        this.charts = charts;
        this.clock = clock;
    }

    @GetMapping("/console/usage")
    String explore(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) List<String> groupBy, @RequestParam(required = false) String tenant,
            @RequestParam(required = false) String model, Model page) {
        Question question = question(from, to, groupBy, tenant, model);
        UsageReport report = answer(question);
        page.addAttribute("q", question);
        page.addAttribute("dimensions", DIMENSIONS);
        page.addAttribute("report", report);
        page.addAttribute("csvQuery", question.queryString());
        if (report.groupBy().contains("day")) {
            Map<LocalDate, BigDecimal> perDay = new TreeMap<>();
            report.rows().forEach(row -> perDay.merge(row.day(), new BigDecimal(row.costUsd()), BigDecimal::add));
            page.addAttribute("chart", charts.perDay("USD per day", report.from(), report.to(), perDay));
        }
        else {
            BigDecimal largest = report.rows().stream().map(row -> new BigDecimal(row.costUsd()))
                .max(Comparator.naturalOrder()).orElse(BigDecimal.ZERO);
            page.addAttribute("shares", report.rows().stream()
                .map(row -> Amounts.percent(row.costUsd(), largest))
                .toList());
        }
        return "console/usage";
    }

    @GetMapping("/console/usage.csv")
    ResponseEntity<Object> csv(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) List<String> groupBy, @RequestParam(required = false) String tenant,
            @RequestParam(required = false) String model) {
        return ReportCsv.usage(answer(question(from, to, groupBy, tenant, model)));
    }

    private Question question(String from, String to, List<String> groupBy, String tenant, String model) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        Set<String> dimensions = new LinkedHashSet<>();
        if (groupBy != null) {
            groupBy.stream().filter(DIMENSIONS::contains).forEach(dimensions::add);
        }
        String tenantFilter = Amounts.blankToNull(tenant);
        String modelFilter = Amounts.blankToNull(model);
        if (tenantFilter != null) {
            dimensions.add("tenant");
        }
        if (modelFilter != null) {
            dimensions.add("model");
        }
        if (dimensions.isEmpty()) {
            dimensions.add("tenant");
        }
        List<String> ordered = DIMENSIONS.stream().filter(dimensions::contains).toList();
        return new Question(Amounts.day(from, today.withDayOfMonth(1)), Amounts.day(to, today), ordered, tenantFilter,
                modelFilter);
    }

    private UsageReport answer(Question question) {
        UsageReport report = reports.usage(UsageQuery.parse(question.from().toString(), question.to().toString(),
                String.join(",", question.groupBy())));
        if (question.tenant() == null && question.model() == null) {
            return report;
        }
        List<UsageReport.Row> rows = report.rows().stream()
            .filter(row -> question.tenant() == null || question.tenant().equals(row.tenant()))
            .filter(row -> question.model() == null || question.model().equals(row.model()))
            .toList();
        UsageReport.Totals total = new UsageReport.Totals(rows.stream().mapToLong(UsageReport.Row::calls).sum(),
                rows.stream().mapToLong(UsageReport.Row::billedCalls).sum(),
                rows.stream().mapToLong(UsageReport.Row::failedCalls).sum(),
                rows.stream().mapToLong(UsageReport.Row::images).sum(),
                Amounts.sum(rows.stream().map(UsageReport.Row::costUsd).toList()),
                Amounts.sum(rows.stream().map(UsageReport.Row::adjustmentsUsd).toList()),
                Amounts.sum(rows.stream().map(UsageReport.Row::totalUsd).toList()));
        return new UsageReport(report.from(), report.to(), report.groupBy(), rows, total);
    }

    /** What the explorer was asked; blank filters are null. */
    public record Question(LocalDate from, LocalDate to, List<String> groupBy, String tenant, String model) {

        /** The same question as URL parameters, for the CSV link. */
        String queryString() {
            List<String> parts = new ArrayList<>();
            parts.add("from=" + from);
            parts.add("to=" + to);
            groupBy.forEach(dimension -> parts.add("groupBy=" + dimension));
            if (tenant != null) {
                parts.add("tenant=" + URLEncoder.encode(tenant, StandardCharsets.UTF_8));
            }
            if (model != null) {
                parts.add("model=" + URLEncoder.encode(model, StandardCharsets.UTF_8));
            }
            return String.join("&", parts);
        }
    }
}
