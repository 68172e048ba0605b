package com.example.gateway.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.http.ResponseEntity;

/**
 * The CSV forms of the usage report, the statements and the chargeback, written in one place so that the admin API and the console
 * hand out the same file for the same question.
 */
public final class ReportCsv {

    private ReportCsv() {
    }

    /**
     * The report's rows, with a column per grouped dimension, as named in {@code groupBy} ({@code keyPrefix} follows
     * {@code key}; a tag's column is {@code tag:<key>}), then the figures.
     */
    public static ResponseEntity<Object> usage(UsageReport report) {
        List<String> groupBy = report.groupBy();
        List<String> header = new ArrayList<>();
        for (String column : groupBy) {
            header.add(column);
            if (column.equals(Dimension.KEY.parameter())) {
                header.add("keyPrefix");
            }
        }
        header.addAll(List.of("calls", "billedCalls", "failedCalls", "images", "costUsd", "adjustmentsUsd",
                "totalUsd"));
        return ReportResponses.csv("usage-" + report.from() + "-" + report.to() + ".csv", header, report.rows(),
                row -> usageValues(groupBy, row));
    }

    /** The statement's lines; the total is their sum. */
    public static ResponseEntity<Object> statement(Statement statement) {
        return ReportResponses.csv("statement-" + statement.tenant() + "-" + statement.month() + ".csv",
                List.of("day", "model", "unitPriceUsd", "calls", "billedCalls", "images", "costUsd"),
                statement.lines(), line -> List.of(line.day(), line.model(),
                        line.unitPriceUsd() == null ? "" : line.unitPriceUsd(), line.calls(), line.billedCalls(),
                        line.images(), line.costUsd()));
    }

    /** The chargeback's rows, each with the month; their {@code totalUsd} adds up to the chargeback's. */
    public static ResponseEntity<Object> chargeback(Chargeback chargeback) {
        return ReportResponses.csv("chargeback-" + chargeback.month() + ".csv",
                List.of("month", "costCentre", "tenant", "project", "calls", "images", "costUsd", "adjustmentsUsd",
                        "totalUsd"),
                chargeback.rows(), row -> Arrays.asList(chargeback.month(), row.costCentre(), row.tenant(),
                        row.project(), row.calls(), row.images(), row.costUsd(), row.adjustmentsUsd(),
                        row.totalUsd()));
    }

    /** A cost centre's statement: its lines, then one line per adjustment (model empty, kind and reason filled). */
    public static ResponseEntity<Object> costCentreStatement(CostCentreStatement statement) {
        List<List<?>> lines = new ArrayList<>();
        statement.lines()
            .forEach(line -> lines.add(Arrays.asList(line.tenant(), line.project(), line.model(), null, null,
                    line.calls(), line.billedCalls(), line.images(), line.costUsd())));
        statement.adjustments()
            .forEach(adjustment -> lines.add(Arrays.asList(adjustment.tenant(), adjustment.project(), null,
                    adjustment.kind(), adjustment.reason(), 0, 0, 0, adjustment.amountUsd())));
        return ReportResponses.csv("statement-" + statement.costCentre() + "-" + statement.month() + ".csv",
                List.of("tenant", "project", "model", "kind", "reason", "calls", "billedCalls", "images", "amountUsd"),
                lines, line -> line);
    }

    private static List<Object> usageValues(List<String> groupBy, UsageReport.Row row) {
        List<Object> values = new ArrayList<>();
        for (String column : groupBy) {
            switch (column) {
                case "tenant" -> values.add(row.tenant());
                case "day" -> values.add(row.day());
                case "model" -> values.add(row.model());
                case "key" -> {
                    values.add(row.key());
                    values.add(row.keyPrefix());
                }
                case "costCentre" -> values.add(row.costCentre());
                case "project" -> values.add(row.project());
                default -> values.add(row.tag());
            }
        }
        values.addAll(List.of(row.calls(), row.billedCalls(), row.failedCalls(), row.images(), row.costUsd(),
                row.adjustmentsUsd(), row.totalUsd()));
        return values;
    }
}
