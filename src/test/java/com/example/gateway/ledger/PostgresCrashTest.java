package com.example.gateway.ledger;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.example.gateway.localdb.LocalPostgres;
import com.example.gateway.support.Bodies;
import com.example.gateway.support.GatewayIntegrationTest;
import com.example.gateway.support.TestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL crashes (an immediate stop, recovered from its WAL) right after a burst of calls was answered: no answered
 * call loses its ledger row, and once the sweeper has run, the quota row's counters agree with the ledger again. The
 * cluster runs with fsync and full-page writes on for this test, as in production.
 */
class PostgresCrashTest extends GatewayIntegrationTest {

    @Autowired
    ReservationSweeper sweeper;

    @Test
    void everyAnsweredCallSurvivesAPostgresCrashAndTheQuotaAgreesWithTheLedgerAfterwards() throws Exception {
        LocalPostgres postgres = TestDatabase.get().localPostgres();
        assumeThat(postgres).as("needs the throwaway cluster, which the test can crash").isNotNull();
        // The throwaway cluster runs with fsync off for speed, which would make any crash test meaningless.
        postgres.kill();
        postgres.restartDurable();
        try {
            awaitReadiness();
            assertThat(jdbc.sql("SELECT current_setting('fsync') || ' ' || current_setting('synchronous_commit')")
                .query(String.class).single()).isEqualTo("on on");
            crashRightAfterABurst(postgres);
        }
        finally {
            postgres.kill();
            postgres.restart();
            awaitReadiness();
        }
    }

    private void awaitReadiness() {
        await().atMost(30, TimeUnit.SECONDS).ignoreExceptions().untilAsserted(
                () -> assertThat(send("GET", "/actuator/health/readiness", null, Map.of()).status()).isEqualTo(200));
    }

    private void crashRightAfterABurst(LocalPostgres postgres) throws Exception {
        TestTenant tenant = newTenant().budget("1.00").create();
        List<Future<Response>> calls;
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            calls = IntStream.range(0, 40)
                .mapToObj(i -> callers.submit(() -> text2img(tenant.key(), Bodies.text2img("call " + i))))
                .toList();
        }
        assertThat(calls).extracting(call -> call.resultNow().status()).containsOnly(200);

        // At once after the last answer, so the charges, which commit without waiting for their WAL flush, may be lost;
        // the ledger rows were flushed before each answer.
        postgres.kill();
        postgres.restartDurable();
        awaitReadiness();

        BigDecimal charged = PRICE.multiply(BigDecimal.valueOf(40));
        assertThat(ledgerRows(tenant.id())).isEqualTo(40);
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo(charged);
        // A lost charge left its call's reservation behind, next to its ledger row: the sweeper applies it once the
        // row is old enough.
        jdbc.sql("UPDATE call_ledger SET settled_at = settled_at - interval '1 hour' WHERE tenant_id = ?")
            .param(tenant.id())
            .update();
        sweeper.sweep();
        assertThat(reservations(tenant.id())).isZero();
        Map<String, Object> quota = jdbc.sql("SELECT month_spent_usd, reserved_usd, in_flight FROM quota_state "
                + "WHERE tenant_id = ?").param(tenant.id()).query().singleRow();
        assertThat((BigDecimal) quota.get("month_spent_usd")).isEqualByComparingTo(charged);
        assertThat((BigDecimal) quota.get("reserved_usd")).isEqualByComparingTo("0");
        assertThat(quota.get("in_flight")).isEqualTo(0);
        Response usage = send("GET", "/api/v1/usage", null, Map.of("Authorization", "Bearer " + tenant.key()));
        assertThat(usage.json().get("spentUsd").asString()).isEqualTo("0.188");
        assertThat(usage.json().get("remainingUsd").asString()).isEqualTo("0.812");
    }
}
