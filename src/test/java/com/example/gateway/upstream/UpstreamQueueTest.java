package com.example.gateway.upstream;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.example.gateway.support.Bodies;
import com.example.gateway.support.ExtraReplica;
import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two replicas share an account capped at 5 calls in flight: calls beyond the cap wait for a slot, fairly between
 * tenants, instead of being refused.
 */
// Closed after the class: its dispatcher would otherwise go on polling the database through the rest of the run.
@DirtiesContext
@TestPropertySource(properties = { "gateway.upstream.max-in-flight=5", "gateway.upstream.max-queue-wait=30s",
        "gateway.upstream.poll-interval=100ms", "gateway.upstream.instance-timeout=2s",
        "modelslab.response-timeout=40s" })
class UpstreamQueueTest extends GatewayIntegrationTest {

    private static ExtraReplica other;

    @BeforeAll
    static void startASecondReplica() {
        other = ExtraReplica.with()
            .property("gateway.upstream.max-in-flight", "5")
            .property("gateway.upstream.max-queue-wait", "30s")
            .property("gateway.upstream.poll-interval", "100ms")
            .property("gateway.upstream.instance-timeout", "2s")
            .property("modelslab.response-timeout", "40s")
            .start();
    }

    @AfterAll
    static void stopTheSecondReplica() {
        other.close();
    }

    @Test
    void aTenantsFourCallsStartWithinOneSlotTurnoverThoughAnotherTenantQueuedAHundredBeforeThem() throws Exception {
        TestTenant a = tenant();
        TestTenant b = tenant();
        Arrivals arrivals = Arrivals.answeringAfter(upstream, 300);

        List<Future<Response>> aCalls = new ArrayList<>();
        List<Future<Response>> bCalls = new ArrayList<>();
        long bSent;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 100; i++) {
                String replica = i % 2 == 0 ? baseUrl() : other.baseUrl();
                String prompt = "a-" + i;
                aCalls.add(pool.submit(() -> call(replica, a.key(), prompt)));
            }
            await().atMost(20, TimeUnit.SECONDS).until(() -> waiting(a.id()) >= 60);
            bSent = System.nanoTime();
            for (int i = 0; i < 4; i++) {
                String replica = i % 2 == 0 ? baseUrl() : other.baseUrl();
                String prompt = "b-" + i;
                bCalls.add(pool.submit(() -> call(replica, b.key(), prompt)));
            }
            for (Future<Response> call : bCalls) {
                assertThat(call.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
            for (Future<Response> call : aCalls) {
                assertThat(call.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
        }

        List<Arrivals.Arrival> taken = arrivals.taken();
        List<Arrivals.Arrival> ofB = taken.stream().filter(arrival -> arrival.of("b-")).toList();
        assertThat(ofB).hasSize(4).allSatisfy(arrival -> assertThat(Duration.ofNanos(arrival.nanos() - bSent))
            // A's backlog alone takes 60 × 300 ms / 5 = 3.6 s; one turnover of the five slots is 300 ms.
            .isLessThan(Duration.ofMillis(1500)));
        int lastOfB = taken.indexOf(ofB.getLast());
        assertThat(taken.size() - lastOfB).as("A's calls started after B's last").isGreaterThan(50);
        assertThat(arrivals.mostAtOnce()).isLessThanOrEqualTo(5);
        assertThat(ledgerRows(a.id()) + ledgerRows(b.id())).isEqualTo(104);
        assertTheQueueIsEmpty();
    }

    @Test
    void twoSaturatingTenantsWithShares3And1GetSlotsInThatRatioAcrossBothReplicas() throws Exception {
        TestTenant heavy = tenant();
        TestTenant light = tenant();
        assertThat(admin("PATCH", "/admin/tenants/" + heavy.id(), """
                {"upstreamShare":3}""").json().get("upstreamShare").asInt()).isEqualTo(3);
        Arrivals arrivals = Arrivals.answeringAfter(upstream, 100);

        AtomicBoolean stop = new AtomicBoolean();
        List<Future<?>> loops = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 24; i++) {
                String replica = i % 2 == 0 ? baseUrl() : other.baseUrl();
                TestTenant tenant = i % 4 < 2 ? heavy : light;
                String prompt = tenant == heavy ? "heavy" : "light";
                loops.add(pool.submit(() -> {
                    while (!stop.get()) {
                        assertThat(call(replica, tenant.key(), prompt).status()).isEqualTo(200);
                    }
                    return null;
                }));
            }
            Thread.sleep(3_000);
            long from = System.nanoTime();
            Thread.sleep(20_000);
            long to = System.nanoTime();
            stop.set(true);
            for (Future<?> loop : loops) {
                loop.get(30, TimeUnit.SECONDS);
            }

            List<Arrivals.Arrival> window = arrivals.taken().stream()
                .filter(arrival -> arrival.nanos() >= from && arrival.nanos() < to)
                .toList();
            long ofHeavy = window.stream().filter(arrival -> arrival.of("heavy")).count();
            long ofLight = window.stream().filter(arrival -> arrival.of("light")).count();
            // 5 slots of 100 ms calls: up to 1,000 grants in the window, fewer on a busy machine.
            assertThat(ofHeavy + ofLight).isGreaterThan(150);
            assertThat((double) ofHeavy / ofLight).as("heavy %d, light %d", ofHeavy, ofLight).isBetween(2.7, 3.3);
            assertThat(arrivals.mostAtOnce()).isLessThanOrEqualTo(5);
        }
    }

    @Test
    void budgetsStayExactWhileAdmittedCallsWaitForASlot() throws Exception {
        TestTenant tenant = newTenant().budget(PRICE.multiply(BigDecimal.valueOf(137))).create();
        Arrivals arrivals = Arrivals.answeringAfter(upstream, 20);

        List<Response> responses = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Response>> calls = new ArrayList<>();
            // 200 clients at a time: enough to keep the queue full, without a burst of 600 connections on a busy box.
            Semaphore clients = new Semaphore(200);
            for (int i = 0; i < 600; i++) {
                String replica = i % 2 == 0 ? baseUrl() : other.baseUrl();
                calls.add(pool.submit(() -> {
                    clients.acquire();
                    try {
                        return call(replica, tenant.key(), "budget");
                    }
                    finally {
                        clients.release();
                    }
                }));
            }
            for (Future<Response> call : calls) {
                responses.add(call.get(60, TimeUnit.SECONDS));
            }
        }

        assertThat(responses).filteredOn(r -> r.status() == 200).hasSize(137);
        assertThat(responses).filteredOn(r -> r.status() != 200).hasSize(463)
            .allSatisfy(r -> assertThat(r.code()).isEqualTo("budget_exhausted"));
        assertThat(arrivals.taken()).hasSize(137);
        assertThat(arrivals.mostAtOnce()).isLessThanOrEqualTo(5);
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo(PRICE.multiply(BigDecimal.valueOf(137)));
        assertThat(reservations(tenant.id())).isZero();
        assertTheQueueIsEmpty();
    }

    @Test
    void slotsAKilledReplicaHeldComeBackWithinTheSweepTimeAndWaitersElsewhereProceed() throws Exception {
        Arrivals.answeringAfter(upstream, 10);
        // What a replica killed while holding every slot leaves behind: its heartbeat, and five granted rows.
        jdbc.sql("INSERT INTO upstream_instance (instance_id, seen_at) VALUES ('killed-replica', now())").update();
        for (int i = 0; i < 5; i++) {
            jdbc.sql("""
                    INSERT INTO upstream_waiter (request_id, tenant_id, priority, instance_id, enqueued_at, deadline,
                                                 granted_at)
                    VALUES (gen_random_uuid(), 'killed-tenant', 0, 'killed-replica', now(), now() + interval '30 seconds',
                            now())""").update();
        }
        TestTenant tenant = tenant();

        long sent = System.nanoTime();
        List<Response> responses = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String replica = i % 2 == 0 ? baseUrl() : other.baseUrl();
                calls.add(pool.submit(() -> call(replica, tenant.key(), "after-the-crash")));
            }
            for (Future<Response> call : calls) {
                responses.add(call.get(30, TimeUnit.SECONDS));
            }
        }
        Duration waited = Duration.ofNanos(System.nanoTime() - sent);

        assertThat(responses).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        // The killed replica's heartbeat goes stale after the instance timeout (2 s), and the next sweep gives back.
        assertThat(waited).isGreaterThan(Duration.ofMillis(1000)).isLessThan(Duration.ofSeconds(6));
        assertThat(jdbc.sql("SELECT count(*) FROM upstream_waiter WHERE instance_id = 'killed-replica'")
            .query(Long.class).single()).isZero();
        assertTheQueueIsEmpty();
    }

    @Test
    void adminSeesTheSlotsInUseAndTheWaitingCallsPerTenant() throws Exception {
        TestTenant tenant = tenant();
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        upstream.holdAnswersUntil(gate);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(pool.submit(() -> call(baseUrl(), tenant.key(), "watched")));
            }
            await().atMost(10, TimeUnit.SECONDS).until(() -> forwardedCount() == 5 && waiting(tenant.id()) == 3);

            Response view = admin("GET", "/admin/upstream", null);
            gate.countDown();
            for (Future<Response> call : calls) {
                assertThat(call.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
            }

            assertThat(view.status()).isEqualTo(200);
            assertThat(view.json().get("maxInFlight").asInt()).isEqualTo(5);
            assertThat(view.json().get("effectiveCap").asInt()).isEqualTo(5);
            assertThat(view.json().get("slotsInUse").asInt()).isEqualTo(5);
            assertThat(view.json().get("tenants")).anySatisfy(row -> {
                assertThat(row.get("tenant").asString()).isEqualTo(tenant.id());
                assertThat(row.get("waiting").asInt()).isEqualTo(3);
                assertThat(row.get("slotsInUse").asInt()).isEqualTo(5);
            });
        }
    }

    private long waiting(String tenantId) {
        return jdbc.sql("SELECT count(*) FROM upstream_waiter WHERE tenant_id = ? AND granted_at IS NULL")
            .param(tenantId).query(Long.class).single();
    }

    /** Every call answered has given its slot back (the release is written by the dispatcher's next pass). */
    private void assertTheQueueIsEmpty() {
        await().atMost(5, TimeUnit.SECONDS)
            .until(() -> jdbc.sql("SELECT count(*) FROM upstream_waiter").query(Long.class).single() == 0);
    }

    static Response call(String replica, String key, String prompt) {
        return send(replica, "POST", "/api/v6/images/text2img", Bodies.text2img(prompt),
                Map.of("Authorization", "Bearer " + key));
    }
}
