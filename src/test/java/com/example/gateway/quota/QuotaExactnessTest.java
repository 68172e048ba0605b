package com.example.gateway.quota;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.example.gateway.support.Bodies;
import com.example.gateway.support.ExtraReplica;
import com.example.gateway.support.FakeModelsLab;
import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three application contexts on one PostgreSQL act as three replicas: together they must never admit more than a
 * tenant's limits allow, however the calls are spread and interleaved.
 */
class QuotaExactnessTest extends GatewayIntegrationTest {

    private static final List<ExtraReplica> otherReplicas = new ArrayList<>();

    @BeforeAll
    static void startTwoMoreReplicas() {
        for (int i = 0; i < 2; i++) {
            otherReplicas.add(ExtraReplica.start());
        }
    }

    @AfterAll
    static void stopTheOtherReplicas() {
        otherReplicas.forEach(ExtraReplica::close);
    }

    @Test
    void threeReplicasAdmitExactlyWhatTheBudgetCovers() throws Exception {
        TestTenant tenant = newTenant().budget(PRICE.multiply(BigDecimal.valueOf(137))).create();
        upstream.answer(request -> FakeModelsLab.success(request).delayedBy(20));

        List<Response> responses = fire(600, tenant.key());

        // A call that timed out (504) after it was sent is charged like a success: ModelsLab may have done the work.
        assertThat(count(responses, 200) + count(responses, 504)).isEqualTo(137);
        assertThat(responses).filteredOn(r -> r.status() == 402).hasSize(463)
            .allSatisfy(r -> assertThat(r.code()).isEqualTo("budget_exhausted"));
        assertThat(forwardedCount()).isEqualTo(137);
        assertThat(ledgerRows(tenant.id())).isEqualTo(137);
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo(PRICE.multiply(BigDecimal.valueOf(137)));
        assertThat(reservations(tenant.id())).isZero();
        assertThat(admin("GET", "/admin/tenants/" + tenant.id(), null).json().get("remainingUsd").decimalValue())
            .isEqualByComparingTo("0");
    }

    @Test
    void threeReplicasAdmitExactlyTheDailyCap() throws Exception {
        TestTenant tenant = newTenant().dailyLimit(23).create();

        List<Response> responses = fire(100, tenant.key());

        assertThat(count(responses, 200) + count(responses, 504)).isEqualTo(23);
        assertThat(responses).filteredOn(r -> r.status() == 429).hasSize(77)
            .allSatisfy(r -> {
                assertThat(r.code()).isEqualTo("daily_limit");
                assertThat(r.header("Retry-After")).isNotBlank();
                assertThat(r.json().get("retry_after").asLong()).isPositive();
            });
        assertThat(forwardedCount()).isEqualTo(23);
        assertThat(ledgerRows(tenant.id())).isEqualTo(23);
    }

    @Test
    void threeReplicasNeverExceedMaxConcurrentTogether() throws Exception {
        TestTenant tenant = newTenant().maxConcurrent(5).create();
        AtomicInteger mostInFlight = upstream.answerSlowlyCountingMostInFlight(300);

        List<Response> responses = fire(60, tenant.key());

        long admitted = count(responses, 200) + count(responses, 504);
        assertThat(mostInFlight.get()).isLessThanOrEqualTo(5);
        assertThat(admitted).isGreaterThanOrEqualTo(5);
        assertThat(responses).filteredOn(r -> r.status() == 429)
            .allSatisfy(r -> assertThat(r.code()).isEqualTo("too_many_concurrent"));
        assertThat(count(responses, 429)).isEqualTo(60 - admitted);
        assertThat(forwardedCount()).isEqualTo(admitted);
        assertThat(ledgerRows(tenant.id())).isEqualTo(admitted);
        assertThat(reservations(tenant.id())).isZero();
    }

    @Test
    void threeReplicasTogetherAdmitNoMoreThanTheRequestsPerMinute() throws Exception {
        int second = java.time.LocalTime.now(java.time.ZoneOffset.UTC).getSecond();
        if (second > 45) {
            // The limit counts per UTC minute: start the burst well inside one.
            Thread.sleep((61 - second) * 1000L);
        }
        TestTenant tenant = newTenant().perMinute(50).create();

        List<Response> responses = fire(300, tenant.key());

        assertThat(count(responses, 200) + count(responses, 504)).isEqualTo(50);
        assertThat(responses).filteredOn(r -> r.status() == 429).hasSize(250)
            .allSatisfy(r -> assertThat(r.code()).isEqualTo("rate_limited"));
        assertThat(forwardedCount()).isEqualTo(50);
        assertThat(ledgerRows(tenant.id())).isEqualTo(50);
    }

    /** Fires {@code calls} text2img calls at once, spread round-robin over the three replicas. */
    private List<Response> fire(int calls, String key) throws Exception {
        List<String> replicas = new ArrayList<>(List.of(baseUrl()));
        otherReplicas.forEach(replica -> replicas.add(replica.baseUrl()));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                String base = replicas.get(i % replicas.size());
                futures.add(pool.submit(() -> send(base, "POST", "/api/v6/images/text2img", Bodies.text2img("a cat"),
                        Map.of("Authorization", "Bearer " + key))));
            }
            List<Response> responses = new ArrayList<>();
            for (Future<Response> future : futures) {
                responses.add(future.get());
            }
            return responses;
        }
    }

    private static long count(List<Response> responses, int status) {
        return responses.stream().filter(r -> r.status() == status).count();
    }
}
