package com.example.gateway.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The report SQL, kept in {@code src/main/resources/reports/*.sql} rather than in Java so that
 * {@code bench/report-benchmark.sh} times the very statements the gateway runs.
 */
final class ReportStatements {

    static final String USAGE = load("usage.sql");
    static final String STATEMENT = load("statement.sql");
    static final String TENANT_DAYS = load("tenant-days.sql");
    static final String TENANT = load("tenant.sql");

    private ReportStatements() {
    }

    private static String load(String name) {
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
