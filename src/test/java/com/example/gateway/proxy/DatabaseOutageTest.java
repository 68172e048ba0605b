package com.example.gateway.proxy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.example.gateway.localdb.LocalPostgres;
import com.example.gateway.support.Bodies;
import com.example.gateway.support.FakeModelsLab;
import com.example.gateway.support.GatewayIntegrationTest;
import com.example.gateway.support.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/** PostgreSQL disappears and comes back: the gateway forwards nothing meanwhile and recovers without a restart. */
class DatabaseOutageTest extends GatewayIntegrationTest {

    @Test
    void whileTheDatabaseIsDownReadinessIsDownAndCallsGet503WithNothingForwarded() {
        LocalPostgres postgres = TestDatabase.get().localPostgres();
        assumeThat(postgres).as("needs the throwaway cluster, which the test can stop").isNotNull();
        TestTenant tenant = newTenant().budget("1.00").create();
        assertThat(text2img(tenant.key(), Bodies.text2img("before")).status()).isEqualTo(200);
        upstream.reset();

        postgres.kill();
        try {
            Response call = text2img(tenant.key(), Bodies.text2img("during"));
            Response readiness = send("GET", "/actuator/health/readiness", null, Map.of());
            Response liveness = send("GET", "/actuator/health/liveness", null, Map.of());

            assertThat(call.status()).isEqualTo(503);
            assertThat(call.code()).isEqualTo("unavailable");
            assertThat(readiness.status()).isEqualTo(503);
            assertThat(liveness.status()).as("a lost database is no reason to restart the pod").isEqualTo(200);
            assertThat(upstream.received()).isEmpty();
        }
        finally {
            postgres.restart();
        }

        await().atMost(30, TimeUnit.SECONDS).untilAsserted(
                () -> assertThat(send("GET", "/actuator/health/readiness", null, Map.of()).status()).isEqualTo(200));
        Response after = text2img(tenant.key(), Bodies.text2img("after"));
        assertThat(after.status()).isEqualTo(200);
        assertThat(ledgerRows(tenant.id())).isEqualTo(2);
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo("0.0094");
    }

    @Test
    void aCallInFlightWhenTheDatabaseGoesAwayIsStillRecordedOnceItReturns() throws Exception {
        LocalPostgres postgres = TestDatabase.get().localPostgres();
        assumeThat(postgres).as("needs the throwaway cluster, which the test can stop").isNotNull();
        TestTenant tenant = newTenant().budget("1.00").create();
        upstream.answer(request -> FakeModelsLab.success(request).delayedBy(1000));

        CompletableFuture<Response> call = CompletableFuture
            .supplyAsync(() -> text2img(tenant.key(), Bodies.text2img("in flight")));
        await().atMost(10, TimeUnit.SECONDS).until(() -> !upstream.received().isEmpty());
        postgres.kill();
        Thread.sleep(2000);
        postgres.restart();

        Response response = call.get(60, TimeUnit.SECONDS);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.header("X-Gateway-Cost-USD")).isEqualTo("0.0047");
        await().atMost(30, TimeUnit.SECONDS).ignoreExceptions()
            .untilAsserted(() -> assertThat(ledgerRows(tenant.id())).isEqualTo(1));
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo("0.0047");
        assertThat(reservations(tenant.id())).isZero();
    }

    /**
     * PostgreSQL is gone for 70 s while five calls are at ModelsLab. ModelsLab does the work, so each client gets its
     * images with the price as its cost and an unknown balance, and each settlement is written once the database is
     * back: every answer agrees with the ledger.
     */
    @Test
    void callsAnsweredDuringALongOutageAreChargedAsAnsweredOnceTheDatabaseReturns() throws Exception {
        LocalPostgres postgres = TestDatabase.get().localPostgres();
        assumeThat(postgres).as("needs the throwaway cluster, which the test can stop").isNotNull();
        TestTenant tenant = newTenant().budget("1.00").create();
        upstream.answer(request -> FakeModelsLab.success(request).delayedBy(1500));

        List<CompletableFuture<Response>> calls = java.util.stream.IntStream.range(0, 5)
            .mapToObj(i -> CompletableFuture.supplyAsync(() -> text2img(tenant.key(), "{\"prompt\":\"outage " + i + "\"}")))
            .toList();
        await().atMost(20, TimeUnit.SECONDS).until(() -> upstream.received().size() == 5);
        postgres.kill();
        List<Response> answers;
        try {
            answers = calls.stream().map(call -> call.join()).toList();
            Thread.sleep(Math.max(0, 70_000 - 15_000));
        }
        finally {
            postgres.restart();
        }

        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.json().path("status").asString()).isEqualTo("success");
            assertThat(answer.header("X-Gateway-Cost-USD")).isEqualTo("0.0047");
            assertThat(answer.header("X-Gateway-Budget-Remaining-USD")).as("the settlement was not durable in time")
                .isEqualTo("unknown");
        });
        await().atMost(90, TimeUnit.SECONDS).ignoreExceptions()
            .untilAsserted(() -> assertThat(ledgerRows(tenant.id())).isEqualTo(5));
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo("0.0235");
        assertThat(jdbc.sql("SELECT count(*) FROM call_ledger WHERE tenant_id = ? AND outcome = 'success'")
            .param(tenant.id()).query(Long.class).single()).isEqualTo(5);
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertThat(reservations(tenant.id())).isZero());
        Map<String, Object> quota = jdbc.sql("SELECT month_spent_usd, reserved_usd, in_flight FROM quota_state "
                + "WHERE tenant_id = ?").param(tenant.id()).query().singleRow();
        assertThat((BigDecimal) quota.get("month_spent_usd")).isEqualByComparingTo("0.0235");
        assertThat((BigDecimal) quota.get("reserved_usd")).isEqualByComparingTo("0");
        assertThat(quota.get("in_flight")).isEqualTo(0);
    }
}
