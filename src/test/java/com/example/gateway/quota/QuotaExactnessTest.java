package com.example.gateway.quota;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.example.gateway.support.Bodies;
import com.example.gateway.support.ExtraReplica;
import com.example.gateway.support.FakeModelsLab;
import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three application contexts on one PostgreSQL act as three replicas: together they must never admit more than a
 * tenant's limits allow, however the calls are spread and interleaved.
 */
// Held calls must not time out (the test profile's 2 s) while a storm's refusals come back.
@TestPropertySource(properties = "modelslab.response-timeout=40s")
class QuotaExactnessTest extends GatewayIntegrationTest {

    private static final List<ExtraReplica> otherReplicas = new ArrayList<>();

    @BeforeAll
    static void startTwoMoreReplicas() {
        for (int i = 0; i < 2; i++) {
            otherReplicas.add(ExtraReplica.with().property("modelslab.response-timeout", "40s").start());
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

        // A call that timed out (504) or broke (502 upstream_unknown) after it was sent is charged like a success:
        // ModelsLab may have done the work.
        assertThat(charged(responses)).isEqualTo(137);
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

        assertThat(charged(responses)).isEqualTo(23);
        assertThat(responses).filteredOn(r -> r.status() == 429).hasSize(77)
            .allSatisfy(r -> {
                assertThat(r.code()).isEqualTo("daily_limit");
                assertThat(r.header("Retry-After")).isNotBlank();
                assertThat(r.json().get("retry_after").asLong()).isPositive();
            });
        assertThat(forwardedCount()).isEqualTo(23);
        assertThat(ledgerRows(tenant.id())).isEqualTo(23);
    }

    /**
     * ModelsLab holds every call until all refusals are back, so exactly the limit is admitted, whatever the
     * interleaving; afterwards the quota row holds exactly nothing in flight or reserved.
     */
    @Test
    void threeReplicasNeverExceedMaxConcurrentTogether() throws Exception {
        TestTenant tenant = newTenant().maxConcurrent(5).create();
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger mostInFlight = upstream.holdAnswersUntil(gate);

        List<Response> responses = fireHolding(60, tenant.key(), 5, gate);

        assertThat(mostInFlight.get()).isEqualTo(5);
        assertThat(count(responses, 200)).isEqualTo(5);
        assertThat(responses).filteredOn(r -> r.status() != 200).hasSize(55)
            .allSatisfy(r -> assertThat(r.code()).isEqualTo("too_many_concurrent"));
        assertThat(forwardedCount()).isEqualTo(5);
        assertThat(ledgerRows(tenant.id())).isEqualTo(5);
        assertThat(reservations(tenant.id())).isZero();
        Map<String, Object> quota = jdbc.sql("SELECT in_flight, reserved_usd, month_spent_usd, day_calls "
                + "FROM quota_state WHERE tenant_id = ?").param(tenant.id()).query().singleRow();
        assertThat(quota.get("in_flight")).isEqualTo(0);
        assertThat((BigDecimal) quota.get("reserved_usd")).isEqualByComparingTo("0");
        assertThat((BigDecimal) quota.get("month_spent_usd")).isEqualByComparingTo(PRICE.multiply(BigDecimal.valueOf(5)));
        assertThat(quota.get("day_calls")).isEqualTo(5);
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

        assertThat(charged(responses)).isEqualTo(50);
        assertThat(responses).filteredOn(r -> r.status() == 429).hasSize(250)
            .allSatisfy(r -> assertThat(r.code()).isEqualTo("rate_limited"));
        assertThat(forwardedCount()).isEqualTo(50);
        assertThat(ledgerRows(tenant.id())).isEqualTo(50);
    }

    /** Fires {@code calls} text2img calls at once, spread round-robin over the three replicas. */
    private List<Response> fire(int calls, String key) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            return answers(submit(pool, calls, key));
        }
    }

    /**
     * Fires the calls as {@link #fire} does, opens {@code gate} (so the held calls may finish) once {@code admitted}
     * of them are held at ModelsLab and all the others have come back refused, and waits for all.
     */
    private List<Response> fireHolding(int calls, String key, int admitted, CountDownLatch gate) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Response>> futures = submit(pool, calls, key);
            await().atMost(30, TimeUnit.SECONDS).until(() -> forwardedCount() == admitted && futures.stream()
                .filter(f -> f.isDone() && f.resultNow().status() != 200).count() == calls - admitted);
            gate.countDown();
            return answers(futures);
        }
    }

    private List<Future<Response>> submit(ExecutorService pool, int calls, String key) {
        List<String> replicas = new ArrayList<>(List.of(baseUrl()));
        otherReplicas.forEach(replica -> replicas.add(replica.baseUrl()));
        List<Future<Response>> futures = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            String base = replicas.get(i % replicas.size());
            futures.add(pool.submit(() -> send(base, "POST", "/api/v6/images/text2img", Bodies.text2img("a cat"),
                    Map.of("Authorization", "Bearer " + key))));
        }
        return futures;
    }

    private static List<Response> answers(List<Future<Response>> futures) throws Exception {
        List<Response> responses = new ArrayList<>();
        for (Future<Response> future : futures) {
            responses.add(future.get());
        }
        return responses;
    }

    /**
     * Answers that say they were charged: ModelsLab's own (200), or an upstream failure after sending (504, 502
     * {@code upstream_unknown}), each with the price in X-Gateway-Cost-USD.
     */
    private static long charged(List<Response> responses) {
        return responses.stream().filter(r -> PRICE.toPlainString().equals(r.header("X-Gateway-Cost-USD"))).count();
    }

    private static long count(List<Response> responses, int status) {
        return responses.stream().filter(r -> r.status() == status).count();
    }
}
