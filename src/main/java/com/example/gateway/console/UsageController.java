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
 * of its dimensions (one tag key at a time) and filtered by tenant, cost centre and project with the API's own
 * parameters ({@link UsageQuery#parse}). The API has no model filter: narrowing to a model also groups by it and keeps
 * the rows of that model, so every row shown is one the API gives. The CSV link downloads exactly the rows on the page,
 * in the API's CSV form; without a model filter it is byte for byte the API's file for the same parameters.
 */
@Controller
@ConsolePage(title = "Usage", path = "/console/usage", order = 30, roles = { ConsoleRole.ADMIN, ConsoleRole.FINANCE })
class UsageController {

    static final List<String> DIMENSIONS = List.of("tenant", "day", "model", "key", "costCentre", "project", "tag");

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
            @RequestParam(required = false) String model, @RequestParam(required = false) String costCentre,
            @RequestParam(required = false) String project, @RequestParam(required = false) String tagKey,
            Model page) {
        Question question = question(from, to, groupBy, tagKey, new Filters(tenant, costCentre, project, model));
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
            @RequestParam(required = false) String model, @RequestParam(required = false) String costCentre,
            @RequestParam(required = false) String project, @RequestParam(required = false) String tagKey) {
        return ReportCsv.usage(answer(question(from, to, groupBy, tagKey,
                new Filters(tenant, costCentre, project, model))));
    }

    private Question question(String from, String to, List<String> groupBy, String tagKey, Filters filters) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        String tag = Amounts.blankToNull(tagKey);
        Set<String> dimensions = new LinkedHashSet<>();
        if (groupBy != null) {
            groupBy.stream().filter(DIMENSIONS::contains).forEach(dimensions::add);
        }
        if (tag == null) {
            dimensions.remove("tag");
        }
        String modelFilter = Amounts.blankToNull(filters.model());
        if (modelFilter != null) {
            dimensions.add("model");
        }
        if (dimensions.isEmpty()) {
            dimensions.add("tenant");
        }
        List<String> ordered = DIMENSIONS.stream().filter(dimensions::contains).toList();
        return new Question(Amounts.day(from, today.withDayOfMonth(1)), Amounts.day(to, today), ordered, tag,
                Amounts.blankToNull(filters.tenant()), Amounts.blankToNull(filters.costCentre()),
                Amounts.blankToNull(filters.project()), modelFilter);
    }

    private UsageReport answer(Question question) {
        UsageReport report = reports.usage(UsageQuery.parse(question.from().toString(), question.to().toString(),
                String.join(",", question.groupBy().stream()
                    .map(dimension -> dimension.equals("tag") ? "tag:" + question.tagKey() : dimension)
                    .toList()),
                question.tenant(), question.costCentre(), question.project()));
        if (question.model() == null) {
            return report;
        }
        List<UsageReport.Row> rows = report.rows().stream()
            .filter(row -> question.model().equals(row.model()))
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

    /** The filters as submitted; blank ones do not apply. */
    record Filters(String tenant, String costCentre, String project, String model) {
    }

    /** What the explorer was asked; blank filters are null; {@code tag} in groupBy stands for {@code tag:<tagKey>}. */
    public record Question(LocalDate from, LocalDate to, List<String> groupBy, String tagKey, String tenant,
            String costCentre, String project, String model) {

        /** The same question as URL parameters, for the CSV link. */
        String queryString() {
            List<String> parts = new ArrayList<>();
            parts.add("from=" + from);
            parts.add("to=" + to);
            groupBy.forEach(dimension -> parts.add("groupBy=" + dimension));
            add(parts, "tagKey", tagKey);
            add(parts, "tenant", tenant);
            add(parts, "costCentre", costCentre);
            add(parts, "project", project);
            add(parts, "model", model);
            return String.join("&", parts);
        }

        private static void add(List<String> parts, String name, String value) {
            if (value != null) {
                parts.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
    }
}
