package com.example.gateway.quota;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import com.example.gateway.support.Bodies;
import com.example.gateway.support.ExtraReplica;
import com.example.gateway.support.FakeModelsLab;
import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Admission, settlement (whose group commits apply many tenants at once) and adjustments lock keys, cost centres and
 * tenants in one order, so a mixed load of tenants in and out of cost centres, over two replicas, never deadlocks,
 * and every level's counters end equal to the ledger, while an admin moves one of the tenants from one cost centre to
 * the other and back.
 */
class MixedLevelsDeadlockTest extends GatewayIntegrationTest {

    private static ExtraReplica other;

    @BeforeAll
    static void startAnotherReplica() {
        other = ExtraReplica.start();
    }

    @AfterAll
    static void stopIt() {
        other.close();
    }

    @Test
    void aMixedLoadOfTenantsInAndOutOfCostCentresNeverDeadlocks() throws Exception {
        String first = costCentre();
        String second = costCentre();
        List<TestTenant> tenants = List.of(newTenant().costCentre(first).create(),
                newTenant().costCentre(first).create(), newTenant().costCentre(first).budget("100").create(),
                newTenant().costCentre(second).create(), newTenant().costCentre(second).create(),
                tenant(), newTenant().budget("100").create());
        List<String[]> keys = new ArrayList<>();
        for (TestTenant tenant : tenants) {
            keys.add(new String[] { tenant.key(), tenant.id() });
            Response limited = admin("POST", "/admin/tenants/" + tenant.id() + "/keys",
                    "{\"name\":\"limited\",\"monthlyBudgetUsd\":\"50\",\"requestsPerMinute\":100000}");
            keys.add(new String[] { limited.json().get("key").asString(), tenant.id() });
        }
        upstream.answer(request -> FakeModelsLab.success(request).delayedBy(ThreadLocalRandom.current().nextInt(5)));
        long deadlocksBefore = deadlocks();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();

        Instant end = Instant.now().plus(Duration.ofSeconds(20));
        List<String> replicas = List.of(baseUrl(), other.baseUrl());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 48; w++) {
                int worker = w;
                workers.add(pool.submit(() -> {
                    for (int i = 0; Instant.now().isBefore(end); i++) {
                        String[] key = keys.get((worker + i) % keys.size());
                        String base = replicas.get((worker + i) % 2);
                        Response response = i % 10 == 5 && worker < 4
                                ? send(base, "PATCH", "/admin/tenants/" + tenants.getFirst().id(),
                                        "{\"costCentre\":\"%s\"}".formatted(i % 20 == 5 ? second : first),
                                        Map.of("Authorization", "Bearer " + ADMIN_TOKEN))
                                : i % 10 == 0
                                ? send(base, "POST", "/admin/tenants/" + key[1] + "/adjustments",
                                        "{\"amountUsd\":\"-0.001\",\"reason\":\"load\"}",
                                        Map.of("Authorization", "Bearer " + ADMIN_TOKEN))
                                : send(base, "POST", "/api/v6/images/text2img", Bodies.text2img("load"),
                                        Map.of("Authorization", "Bearer " + key[0]));
                        statuses.computeIfAbsent(response.status(), s -> new AtomicInteger()).incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        }

        assertThat(statuses.keySet()).as("statuses %s", statuses).containsOnly(200, 201);
        assertThat(jdbc.sql("SELECT count(DISTINCT cost_centre_id) FROM call_ledger WHERE tenant_id = ?")
            .param(tenants.getFirst().id()).query(Long.class).single()).as("the moved tenant's calls in both").isEqualTo(2);
        assertThat(statuses.get(200).get()).isGreaterThan(200);
        // This test's reservations only: another test's may wait for the sweeper.
        String tenantIds = String.join(",", tenants.stream().map(t -> "'" + t.id() + "'").toList());
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql("SELECT count(*) FROM reservation WHERE tenant_id IN ("
                + tenantIds + ")").query(Long.class).single() == 0);
        // A backend publishes its statistics within about ten seconds of its last transaction.
        Thread.sleep(11_000);
        assertThat(deadlocks()).isEqualTo(deadlocksBefore);
        for (String costCentre : List.of(first, second)) {
            assertThat(counter("cost_centre_quota_state", "cost_centre_id", costCentre))
                .isEqualByComparingTo(spent("cost_centre_id", costCentre));
        }
        for (TestTenant tenant : tenants) {
            assertThat(counter("quota_state", "tenant_id", tenant.id()))
                .isEqualByComparingTo(spent("tenant_id", tenant.id()));
        }
        assertThat(jdbc.sql("""
                SELECT count(*) FROM key_quota_state kq JOIN api_key k ON k.id = kq.key_id
                WHERE (kq.reserved_usd <> 0 OR kq.month_spent_usd <> (SELECT coalesce(sum(cost_usd), 0)
                                                                      FROM call_ledger l WHERE l.key_id = k.id))
                  AND k.tenant_id IN (%s)""".formatted(tenantIds)).query(Long.class).single()).isZero();
    }

    private long deadlocks() {
        return jdbc.sql("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
            .query(Long.class).single();
    }

    /** A level's month spending, after checking it holds no reservation. */
    private BigDecimal counter(String table, String column, String id) {
        Map<String, Object> row = jdbc.sql("SELECT month_spent_usd, reserved_usd FROM " + table + " WHERE " + column
                + " = ?").param(id).query().singleRow();
        assertThat((BigDecimal) row.get("reserved_usd")).as(id).isEqualByComparingTo("0");
        return (BigDecimal) row.get("month_spent_usd");
    }

    /** What the ledger says the level spent: its calls and its adjustments. */
    private BigDecimal spent(String column, String id) {
        return jdbc.sql("SELECT (SELECT coalesce(sum(cost_usd), 0) FROM call_ledger WHERE " + column + " = :id) "
                + "+ (SELECT coalesce(sum(amount_usd), 0) FROM ledger_adjustment WHERE " + column + " = :id)")
            .param("id", id).query(BigDecimal.class).single();
    }

    private String costCentre() {
        String id = "cc-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(admin("POST", "/admin/cost-centres", "{\"id\":\"%s\",\"name\":\"Department\",\"monthlyBudgetUsd\":1000}"
            .formatted(id)).status()).isEqualTo(201);
        return id;
    }
}
