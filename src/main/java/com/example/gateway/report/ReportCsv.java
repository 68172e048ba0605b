package com.example.gateway.report;

import java.util.ArrayList;
import java.util.List;

import org.springframework.http.ResponseEntity;

/**
 * The CSV forms of the usage report and of a statement, written in one place so that the admin API and the console
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
