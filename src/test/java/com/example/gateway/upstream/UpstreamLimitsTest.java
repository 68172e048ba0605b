package com.example.gateway.upstream;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.example.gateway.support.Bodies;
import com.example.gateway.support.GatewayIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The edges of waiting: the wait bound, ModelsLab's own 429, priorities within a tenant. */
// Closed after the class: its dispatcher would otherwise go on polling the database through the rest of the run.
@DirtiesContext
@TestPropertySource(properties = { "gateway.upstream.max-in-flight=4", "gateway.upstream.max-queue-wait=5s",
        "gateway.upstream.poll-interval=100ms", "modelslab.response-timeout=40s" })
class UpstreamLimitsTest extends GatewayIntegrationTest {

    @Autowired
    MeterRegistry meters;

    @Test
    void aCallThatGetsNoSlotWithinTheWaitIsRefusedUnchargedAndItsBudgetReleased() throws Exception {
        TestTenant tenant = newTenant().budget("1.00").create();
        CountDownLatch gate = new CountDownLatch(1);
        upstream.holdAnswersUntil(gate);

        List<Response> responses = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(pool.submit(() -> text2img(tenant.key(), Bodies.text2img("held"))));
            }
            await().atMost(20, TimeUnit.SECONDS)
                .until(() -> calls.stream().filter(Future::isDone).count() == 2);
            gate.countDown();
            for (Future<Response> call : calls) {
                responses.add(call.get(30, TimeUnit.SECONDS));
            }
        }

        assertThat(responses).filteredOn(r -> r.status() == 200).hasSize(4);
        assertThat(responses).filteredOn(r -> r.status() != 200).hasSize(2).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.code()).isEqualTo("upstream_rate_limited");
            assertThat(r.header("Retry-After")).isEqualTo("5");
            assertThat(r.header("X-Gateway-Cost-USD")).isEqualTo("0");
        });
        assertThat(forwardedCount()).isEqualTo(4);
        assertThat(jdbc.sql("SELECT outcome, cost_usd FROM call_ledger WHERE tenant_id = ? AND http_status = 429")
            .param(tenant.id())
            .query((rs, n) -> rs.getString(1) + " " + rs.getBigDecimal(2).stripTrailingZeros().toPlainString())
            .list()).containsExactly("upstream_rate_limited 0", "upstream_rate_limited 0");
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo(PRICE.multiply(BigDecimal.valueOf(4)));
        assertThat(reservations(tenant.id())).isZero();
    }

    @Test
    void modelsLabsOwnQueueFullAnswersAreAbsorbedAndNeverCharged() throws Exception {
        TestTenant tenant = tenant();
        double absorbedBefore = absorbed();
        // ModelsLab holds two at once for this account (another system uses it too), the gateway thinks four.
        Arrivals arrivals = Arrivals.answeringAfter(upstream, 300, 2, 1);

        List<Response> responses = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(pool.submit(() -> text2img(tenant.key(), Bodies.text2img("learning"))));
            }
            for (Future<Response> call : calls) {
                responses.add(call.get(30, TimeUnit.SECONDS));
            }
        }

        assertThat(responses).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        assertThat(arrivals.refusedAsQueueFull()).isPositive();
        assertThat(forwardedCount()).isEqualTo(8 + arrivals.refusedAsQueueFull());
        assertThat(absorbed() - absorbedBefore).isEqualTo(arrivals.refusedAsQueueFull());
        assertThat(ledgerRows(tenant.id())).isEqualTo(8);
        assertThat(jdbc.sql("SELECT count(*) FROM call_ledger WHERE tenant_id = ? AND outcome = 'success'")
            .param(tenant.id()).query(Long.class).single()).isEqualTo(8);
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo(PRICE.multiply(BigDecimal.valueOf(8)));
        assertThat(admin("GET", "/admin/upstream", null).json().get("effectiveCap").asInt()).isLessThan(4);
        jdbc.sql("UPDATE upstream_slot SET lowered_cap = NULL, lowered_at = NULL WHERE id = 1").update();
        assertThat(send("GET", "/actuator/prometheus", null, Map.of()).body())
            .contains("gateway_upstream_waiting{", "tenant=\"" + tenant.id() + "\"")
            .contains("gateway_upstream_wait_seconds_count{", "result=\"granted\"")
            .contains("gateway_upstream_slots_in_use", "gateway_upstream_effective_cap")
            .contains("gateway_upstream_queue_full_absorbed_total");
    }

    @Test
    void batchCallsWaitBehindTheirTenantsInteractiveCalls() throws Exception {
        TestTenant tenant = tenant();
        CountDownLatch gate = new CountDownLatch(1);
        upstream.holdAnswersUntil(gate);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(pool.submit(() -> text2img(tenant.key(), Bodies.text2img("holding"))));
            }
            await().atMost(10, TimeUnit.SECONDS).until(() -> forwardedCount() == 4);
            for (int i = 0; i < 5; i++) {
                String prompt = "batch-" + i;
                calls.add(pool.submit(() -> withPriority(tenant.key(), prompt, "batch")));
                awaitWaiting(tenant.id(), i + 1);
            }
            calls.add(pool.submit(() -> withPriority(tenant.key(), "interactive-0", "interactive")));
            awaitWaiting(tenant.id(), 6);
            Arrivals arrivals = Arrivals.answeringAfter(upstream, 200);
            gate.countDown();
            for (Future<Response> call : calls) {
                assertThat(call.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
            }

            List<String> order = arrivals.taken().stream()
                .map(arrival -> arrival.of("interactive") ? "interactive"
                        : arrival.of("batch-3") || arrival.of("batch-4") ? "later batch" : "")
                .filter(name -> !name.isEmpty())
                .toList();
            // First come first served, the interactive call would have waited for the second of two rounds.
            assertThat(order).containsExactly("interactive", "later batch", "later batch");
        }
    }

    @Test
    void anUnknownPriorityIsRefusedBeforeAnythingIsChargedNamingTheHeader() {
        TestTenant tenant = tenant();

        Response response = withPriority(tenant.key(), "a cat", "urgent");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.code()).isEqualTo("invalid_request");
        assertThat(response.json().get("message").asString()).contains("X-Gateway-Priority");
        assertThat(ledgerRows(tenant.id())).isZero();
        assertThat(forwardedCount()).isZero();
    }

    private Response withPriority(String key, String prompt, String priority) {
        return send("POST", "/api/v6/images/text2img", Bodies.text2img(prompt),
                Map.of("Authorization", "Bearer " + key, "X-Gateway-Priority", priority));
    }

    private void awaitWaiting(String tenantId, int calls) {
        await().atMost(10, TimeUnit.SECONDS).until(() -> jdbc
            .sql("SELECT count(*) FROM upstream_waiter WHERE tenant_id = ? AND granted_at IS NULL")
            .param(tenantId).query(Long.class).single() == calls);
    }

    private double absorbed() {
        return meters.get("gateway.upstream.queue.full.absorbed").counter().count();
    }
}
