package com.example.gateway.report;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;

import com.example.gateway.support.GatewayIntegrationTest;
import com.example.gateway.support.TestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** Reports are cut off when they run too long, and rationed per tenant and for the admin token. */
@TestPropertySource(properties = { "gateway.reports.statement-timeout=500ms", "gateway.reports.rate-limit.burst=2",
        "gateway.reports.rate-limit.per-minute=1" })
class ReportLimitsTest extends GatewayIntegrationTest {

    @Test
    void aReportStatementLongerThanTheStatementTimeoutIsAnswered503Promptly() throws Exception {
        TestTenant tenant = tenant();
        TestDatabase database = TestDatabase.get();
        long started;
        Response usage;
        // An exclusive lock on the ledger keeps the report's aggregation waiting, as a slow plan or an overloaded
        // replica would; the lock wait counts towards statement_timeout like any other.
        try (Connection blocker = DriverManager.getConnection(database.jdbcUrl(), database.username(),
                database.password()); Statement statement = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            statement.execute("LOCK TABLE call_ledger IN ACCESS EXCLUSIVE MODE");
            started = System.nanoTime();
            usage = send("GET", "/api/v1/usage", null, Map.of("Authorization", "Bearer " + tenant.key()));
            blocker.rollback();
        }
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(usage.status()).as(usage.body()).isEqualTo(503);
        assertThat(usage.code()).isEqualTo("unavailable");
        assertThat(usage.body()).doesNotContain("Exception", "statement_timeout", "call_ledger");
        assertThat(tookMillis).as("cancelled by the 500 ms statement timeout, not hanging").isBetween(500L, 5_000L);

        Response after = send("GET", "/api/v1/usage", null, Map.of("Authorization", "Bearer " + tenant.key()));
        assertThat(after.status()).as("the pool's connection is fine afterwards").isEqualTo(200);
        assertThat(after.json().get("spentUsd").asString()).isEqualTo("0");
    }

    @Test
    void eachTenantGetsItsOwnBurstThen429WithRetryAfter() {
        TestTenant busy = tenant();
        TestTenant quiet = tenant();

        Response first = usage(busy);
        Response second = usage(busy);
        Response third = usage(busy);
        Response other = usage(quiet);

        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(200);
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.code()).isEqualTo("rate_limited");
        // One token a minute, and the bucket has just been emptied: the next one is (almost) a minute away.
        assertThat(third.header("Retry-After")).isIn("59", "60");
        assertThat(third.json().get("retry_after").asLong()).isEqualTo(Long.parseLong(third.header("Retry-After")));
        assertThat(other.status()).as("another tenant's bucket is untouched").isEqualTo(200);
    }

    @Test
    void theAdminTokenHasItsOwnBucketForUsageAndStatements() {
        TestTenant tenant = tenant();

        Response usage = admin("GET", "/admin/usage?from=2061-01-01&to=2061-01-31", null);
        Response statement = admin("GET", "/admin/tenants/" + tenant.id() + "/statement?month=2061-01", null);
        Response refused = admin("GET", "/admin/usage?from=2061-01-01&to=2061-01-31", null);
        Response calls = admin("GET", "/admin/calls?tenant=" + tenant.id(), null);
        Response tenantsOwn = usage(tenant);

        assertThat(usage.status()).isEqualTo(200);
        assertThat(statement.status()).isEqualTo(200);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("rate_limited");
        assertThat(refused.header("Retry-After")).isIn("59", "60");
        assertThat(calls.status()).as("a page of the call listing is not an aggregation").isEqualTo(200);
        assertThat(tenantsOwn.status()).isEqualTo(200);
    }

    private Response usage(TestTenant tenant) {
        return send("GET", "/api/v1/usage", null, Map.of("Authorization", "Bearer " + tenant.key()));
    }
}
