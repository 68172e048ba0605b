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

    /** The report's rows, with a column per grouped dimension ({@code keyPrefix} follows {@code key}). */
    public static ResponseEntity<Object> usage(UsageReport report) {
        List<String> groupBy = report.groupBy();
        List<String> header = new ArrayList<>(groupBy);
        if (groupBy.contains(Dimension.KEY.parameter())) {
            header.add(header.indexOf(Dimension.KEY.parameter()) + 1, "keyPrefix");
        }
        header.addAll(List.of("calls", "billedCalls", "failedCalls", "images", "costUsd"));
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
        if (groupBy.contains(Dimension.TENANT.parameter())) {
            values.add(row.tenant());
        }
        if (groupBy.contains(Dimension.DAY.parameter())) {
            values.add(row.day());
        }
        if (groupBy.contains(Dimension.MODEL.parameter())) {
            values.add(row.model());
        }
        if (groupBy.contains(Dimension.KEY.parameter())) {
            values.add(row.key());
            values.add(row.keyPrefix());
        }
        values.addAll(List.of(row.calls(), row.billedCalls(), row.failedCalls(), row.images(), row.costUsd()));
        return values;
    }
}
