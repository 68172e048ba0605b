package com.example.gateway.quota;

import java.math.BigDecimal;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.example.gateway.support.Bodies;
import com.example.gateway.support.ExtraReplica;
import com.example.gateway.support.FakeModelsLab;
import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The levels around a tenant hold as exactly as the tenant's own limits: a cost centre's budget that two tenants
 * share, and a key's own budget and rate, across three application contexts on one PostgreSQL.
 */
@TestPropertySource(properties = "modelslab.response-timeout=40s")
class LevelsExactnessTest extends GatewayIntegrationTest {

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
    void twoTenantsInOneCostCentreTogetherGetExactlyWhatItsBudgetCovers() throws Exception {
        String costCentre = costCentre(PRICE.multiply(BigDecimal.valueOf(137)));
        TestTenant first = newTenant().costCentre(costCentre).create();
        TestTenant second = newTenant().costCentre(costCentre).create();
        upstream.answer(request -> FakeModelsLab.success(request).delayedBy(20));

        List<Response> responses = fire(600, first.key(), second.key());

        assertThat(charged(responses)).isEqualTo(137);
        assertThat(responses).filteredOn(r -> r.status() == 402).hasSize(463).allSatisfy(r -> {
            assertThat(r.code()).isEqualTo("budget_exhausted");
            assertThat(r.json().get("message").asString()).contains("cost centre '" + costCentre + "'");
        });
        assertThat(forwardedCount()).isEqualTo(137);
        assertThat(ledgerRows(first.id()) + ledgerRows(second.id())).isEqualTo(137);
        assertThat(ledgerSum(first.id()).add(ledgerSum(second.id())))
            .isEqualByComparingTo(PRICE.multiply(BigDecimal.valueOf(137)));
        assertThat(jdbc.sql("SELECT count(*) FROM call_ledger WHERE cost_centre_id = ?").param(costCentre)
            .query(Long.class).single()).isEqualTo(137);
        Response view = admin("GET", "/admin/cost-centres/" + costCentre, null);
        assertThat(view.json().get("spentUsd").decimalValue()).isEqualByComparingTo(PRICE.multiply(BigDecimal.valueOf(137)));
        assertThat(view.json().get("reservedUsd").decimalValue()).isEqualByComparingTo("0");
        assertThat(view.json().get("remainingUsd").decimalValue()).isEqualByComparingTo("0");
    }

    @Test
    void aKeysOwnBudgetHoldsExactlyAcrossReplicas() throws Exception {
        TestTenant tenant = tenant();
        String limited = key(tenant.id(), "{\"name\":\"batch\",\"monthlyBudgetUsd\":\"%s\"}"
            .formatted(PRICE.multiply(BigDecimal.valueOf(137)).toPlainString()));
        upstream.answer(request -> FakeModelsLab.success(request).delayedBy(20));

        List<Response> responses = fire(600, limited);

        assertThat(charged(responses)).isEqualTo(137);
        assertThat(responses).filteredOn(r -> r.status() == 402).hasSize(463).allSatisfy(r -> {
            assertThat(r.code()).isEqualTo("budget_exhausted");
            assertThat(r.json().get("message").asString()).contains("this key");
        });
        assertThat(forwardedCount()).isEqualTo(137);
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo(PRICE.multiply(BigDecimal.valueOf(137)));
        // The tenant's other keys are not limited by it.
        assertThat(text2img(tenant.key(), Bodies.text2img("another key")).status()).isEqualTo(200);
        Response keys = admin("GET", "/admin/tenants/" + tenant.id() + "/keys", null);
        assertThat(keys.json()).filteredOn(k -> k.get("name").asString().equals("batch")).singleElement()
            .satisfies(k -> {
                assertThat(k.get("spentUsd").decimalValue()).isEqualByComparingTo(PRICE.multiply(BigDecimal.valueOf(137)));
                assertThat(k.get("remainingUsd").decimalValue()).isEqualByComparingTo("0");
                assertThat(k.has("key")).isFalse();
            });
    }

    @Test
    void aKeysOwnRateLimitHoldsExactlyAcrossReplicas() throws Exception {
        int second = LocalTime.now(ZoneOffset.UTC).getSecond();
        if (second > 45) {
            // The limit counts per UTC minute: start the burst well inside one.
            Thread.sleep((61 - second) * 1000L);
        }
        TestTenant tenant = tenant();
        String limited = key(tenant.id(), "{\"name\":\"interactive\",\"requestsPerMinute\":50}");

        List<Response> responses = fire(300, limited);

        assertThat(charged(responses)).isEqualTo(50);
        assertThat(responses).filteredOn(r -> r.status() == 429).hasSize(250).allSatisfy(r -> {
            assertThat(r.code()).isEqualTo("rate_limited");
            assertThat(r.json().get("message").asString()).contains("this key");
            assertThat(r.header("Retry-After")).isNotBlank();
        });
        assertThat(forwardedCount()).isEqualTo(50);
        assertThat(ledgerRows(tenant.id())).isEqualTo(50);
    }

    private String costCentre(BigDecimal budget) {
        String id = "cc-" + UUID.randomUUID().toString().substring(0, 8);
        Response created = admin("POST", "/admin/cost-centres", """
                {"id": "%s", "name": "Department %s", "monthlyBudgetUsd": "%s"}""".formatted(id, id,
                budget.toPlainString()));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return id;
    }

    private String key(String tenantId, String body) {
        Response created = admin("POST", "/admin/tenants/" + tenantId + "/keys", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("key").asString();
    }

    /** Fires {@code calls} text2img calls at once, round-robin over the three replicas and the given keys. */
    private List<Response> fire(int calls, String... keys) throws Exception {
        List<String> replicas = new ArrayList<>(List.of(baseUrl()));
        otherReplicas.forEach(replica -> replicas.add(replica.baseUrl()));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                String base = replicas.get(i % replicas.size());
                String key = keys[i % keys.length];
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

    private static long charged(List<Response> responses) {
        return responses.stream().filter(r -> PRICE.toPlainString().equals(r.header("X-Gateway-Cost-USD"))).count();
    }
}
