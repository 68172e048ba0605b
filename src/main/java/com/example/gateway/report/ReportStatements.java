package com.example.gateway.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The report SQL, kept in {@code src/main/resources/reports/*.sql} rather than in Java so that
 * {@code bench/report-benchmark.sh} and {@code bench/reports.sh} time the very statements the gateway runs.
 */
final class ReportStatements {

    static final String USAGE = load("usage.sql");
    static final String STATEMENT = load("statement.sql");
    static final String TENANT_DAYS = load("tenant-days.sql");
    static final String TENANT = load("tenant.sql");
    static final String SEALED_UNTIL = "SELECT sealed_until FROM call_ledger_daily_seal WHERE id = 1";
    static final String TENANT_PROJECTS = load("tenant-projects.sql");
    static final String CHARGEBACK = load("chargeback.sql");
    static final String COST_CENTRE = load("cost-centre.sql");
    static final String COST_CENTRE_STATEMENT = load("cost-centre-statement.sql");
    static final String COST_CENTRE_ADJUSTMENTS = load("cost-centre-adjustments.sql");

    private ReportStatements() {
    }

    static String load(String name) {
        String path = "reports/" + name;
        try (InputStream in = ReportStatements.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("Missing report statement " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
