package com.example.gateway.report;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import com.example.gateway.support.GatewayIntegrationTest;
import com.zaxxer.hikari.HikariDataSource;
import jakarta.persistence.EntityManagerFactory;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.orm.jpa.EntityManagerFactoryInfo;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reports run on their own small pool, so a crowd of usage requests can slow reports down but never takes the
 * connections that admissions and settlements need. The main pool has its production size and wait (the test
 * profile's are larger, for several replicas in one JVM); with reports on it, calls of the burst get 503. ModelsLab's
 * fake gets a generous response timeout: on two busy cores it can take longer than the test profile's 2 s to answer a
 * burst, and this test is about the database.
 */
@TestPropertySource(properties = { "spring.datasource.hikari.maximum-pool-size=20",
        "spring.datasource.hikari.connection-timeout=5000", "modelslab.response-timeout=30s" })
class ReportBulkheadTest extends GatewayIntegrationTest {

    private static final int USAGE_REQUESTS = 200;
    private static final int IMAGE_CALLS = 100;
    /** Enough rows that one month's aggregation holds its connection for a noticeable time on two busy cores. */
    private static final int LEDGER_ROWS = 600_000;

    private static final HttpClient PATIENT = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(60))
        .executor(Executors.newVirtualThreadPerTaskExecutor())
        .build();

    @Autowired
    DataSource main;

    @Autowired
    @Qualifier(Reports.QUALIFIER)
    DataSource reports;

    @Autowired
    Flyway flyway;

    @Autowired
    JdbcTemplate jdbcTemplate;

    @Autowired
    EntityManagerFactory entityManagerFactory;

    @Test
    void flywayJpaAndJdbcUseTheMainPoolAndReportsTheirOwnReadOnlyTimeLimitedOne() {
        HikariDataSource mainPool = (HikariDataSource) main;
        HikariDataSource reportsPool = (HikariDataSource) reports;

        assertThat(flyway.getConfiguration().getDataSource()).isSameAs(main);
        assertThat(jdbcTemplate.getDataSource()).isSameAs(main);
        assertThat(((EntityManagerFactoryInfo) entityManagerFactory).getDataSource()).isSameAs(main);
        assertThat(reports).isNotSameAs(main);

        assertThat(mainPool.getPoolName()).isNotEqualTo("reports");
        assertThat(mainPool.getDataSourceProperties()).containsEntry("socketTimeout", "20")
            .containsEntry("connectTimeout", "5")
            .containsEntry("tcpKeepAlive", "true");
        assertThat(reportsPool.getPoolName()).isEqualTo("reports");
        assertThat(reportsPool.getJdbcUrl()).isEqualTo(mainPool.getJdbcUrl());
        assertThat(reportsPool.getMaximumPoolSize()).isEqualTo(3);
        assertThat(reportsPool.isReadOnly()).isTrue();
        assertThat(reportsPool.getConnectionInitSql()).isEqualTo("SET statement_timeout = 30000");
        assertThat(reportsPool.getDataSourceProperties()).containsEntry("socketTimeout", "40")
            .containsEntry("tcpKeepAlive", "true");
    }

    @Test
    void twoHundredConcurrentUsageRequestsDuringABurstOfCallsLeaveEveryCallAnsweredAndRecorded() throws Exception {
        TestTenant reader = tenant();
        TestTenant caller = newTenant().budget("100").create();
        seedMarch2059(reader.id(), new HandMadeLedger(jdbc).keyOf(reader.id()));
        try {
            List<Future<Response>> usages;
            List<Future<Response>> calls;
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                usages = IntStream.range(0, USAGE_REQUESTS)
                    .mapToObj(i -> clients.submit(() -> patiently("GET", "/api/v1/usage?month=2059-03", null,
                            reader.key())))
                    .toList();
                Thread.sleep(300);
                calls = IntStream.range(0, IMAGE_CALLS)
                    .mapToObj(i -> clients.submit(() -> patiently("POST", "/api/v6/images/text2img",
                            "{\"prompt\":\"a cat\"}", caller.key())))
                    .toList();
            }

            for (Future<Response> call : calls) {
                Response response = call.get();
                assertThat(response.status()).as(response.body()).isEqualTo(200);
                assertThat(response.header("X-Gateway-Cost-USD")).isEqualTo("0.0047");
            }
            assertThat(ledgerRows(caller.id())).isEqualTo(IMAGE_CALLS);
            assertThat(ledgerSum(caller.id())).isEqualByComparingTo(PRICE.multiply(BigDecimal.valueOf(IMAGE_CALLS)));
            assertThat(jdbc.sql("SELECT count(*) FROM call_ledger WHERE tenant_id = ? AND outcome <> 'success'")
                .param(caller.id()).query(Long.class).single()).as("none abandoned or failed").isZero();
            assertThat(reservations(caller.id())).isZero();

            String expectedSpent = PRICE.multiply(BigDecimal.valueOf(LEDGER_ROWS)).stripTrailingZeros().toPlainString();
            int served = 0;
            for (Future<Response> usage : usages) {
                Response response = usage.get();
                if (response.status() == 200) {
                    served++;
                    assertThat(response.json().get("spentUsd").asString()).isEqualTo(expectedSpent);
                    assertThat(response.json().get("calls").asLong()).isEqualTo(LEDGER_ROWS);
                }
                else {
                    assertThat(response.status()).as(response.body()).isEqualTo(503);
                    assertThat(response.code()).isEqualTo("unavailable");
                }
            }
            assertThat(served).as("reports were served, only slower").isPositive();
        }
        finally {
            jdbc.sql("DELETE FROM call_ledger WHERE tenant_id = ?").param(reader.id()).update();
        }
    }

    /**
     * Sent with a client that waits for its connection as long as it takes: hundreds of connections at once on two
     * busy cores can take longer than the shared client's 5 s to be accepted, which would say nothing about the pools.
     */
    private Response patiently(String method, String path, String body, String key) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
            .timeout(Duration.ofSeconds(90))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
        HttpResponse<String> response = PATIENT.send(request, HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body(), response.headers().map());
    }

    /**
     * In slices of 100,000 rows, each well within the main pool's 20 s socket timeout on two busy cores, into the
     * month's own partition, as a ledger in production has it.
     */
    private void seedMarch2059(String tenantId, UUID keyId) {
        jdbc.sql("SELECT create_call_ledger_partition('2059-03-01')").query(Boolean.class).single();
        int slice = 100_000;
        for (int first = 1; first <= LEDGER_ROWS; first += slice) {
            jdbc.sql("""
                    INSERT INTO call_ledger (request_id, tenant_id, key_id, model_id, endpoint, outcome, upstream_status,
                                             http_status, images, cost_usd, upstream_latency_ms, created_at, settled_at)
                    SELECT gen_random_uuid(), :tenant, :key, 'octoflat', 'text2img', 'success', 200, 200, 1, 0.0047, 850,
                           timestamptz '2059-03-01 00:00:00+00' + g * interval '4 seconds',
                           timestamptz '2059-03-01 00:00:03+00' + g * interval '4 seconds'
                    FROM generate_series(:first, :last) g
                    """)
                .param("tenant", tenantId)
                .param("key", keyId)
                .param("first", first)
                .param("last", Math.min(first + slice - 1, LEDGER_ROWS))
                .update();
        }
        jdbc.sql("ANALYZE call_ledger").update();
    }
}
