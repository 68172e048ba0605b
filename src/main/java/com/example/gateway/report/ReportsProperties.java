package com.example.gateway.report;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The reports' bulkhead: their own small connection pool, a server-side time limit, and a request rate per tenant
 * (for {@code /api/v1/usage}) and per admin token (for {@code /admin/usage} and statements).
 *
 * @param datasource where reports read from; by default the main database, with the main credentials
 * @param statementTimeout PostgreSQL cancels a report statement that runs longer ({@code statement_timeout}); the
 * request gets 503 {@code unavailable}. A month of 1,000,000 ledger rows aggregates in under a second, a 366-day usage
 * report in 6 to 12 s (bench/REPORTS.md), so this is only reached by a database in trouble or a much larger ledger
 * @param rateLimit how many report requests one tenant, or the admin token, may make on this replica
 * @param rollup the summing of past days that keeps reports over millions of calls fast ({@link LedgerRollup})
 */
@Validated
@ConfigurationProperties("gateway.reports")
record ReportsProperties(@DefaultValue @Valid Datasource datasource,
        @DefaultValue("30s") @NotNull Duration statementTimeout, @DefaultValue @Valid RateLimit rateLimit,
        @DefaultValue @Valid Rollup rollup) {

    /**
     * @param url JDBC URL, e.g. CloudNativePG's {@code -ro} service (a read replica); blank means the main database's
     * @param username blank means the main datasource's
     * @param password blank means the main datasource's
     * @param maximumPoolSize connections per replica; reports never use the main pool's
     * @param connectionTimeout how long a report waits for one of them before 503 {@code unavailable}
     */
    record Datasource(String url, String username, String password, @DefaultValue("3") @Positive int maximumPoolSize,
            @DefaultValue("3s") @NotNull Duration connectionTimeout) {
    }

    /**
     * A token bucket: {@code burst} requests at once, refilled at {@code perMinute}.
     */
    record RateLimit(@DefaultValue("10") @Positive int burst, @DefaultValue("30") @Positive int perMinute) {
    }

    /**
     * @param enabled whether this replica seals days; reports read whatever is sealed either way
     * @param sealAfter how long after its end a day may be sealed: more than any clock skew between replicas
     * @param interval time between two runs on one replica (the first after one interval)
     * @param daysPerRun days with calls one run seals at most, so a first run on a long ledger catches up in steps
     */
    record Rollup(@DefaultValue("true") boolean enabled, @DefaultValue("24h") @NotNull Duration sealAfter,
            @DefaultValue("10m") @NotNull Duration interval, @DefaultValue("31") @Positive int daysPerRun) {
    }
}
