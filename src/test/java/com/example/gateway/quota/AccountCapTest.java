package com.example.gateway.quota;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.example.gateway.support.Bodies;
import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

// Held calls must not time out (the test profile's 2 s) while the refusals come back.
@TestPropertySource(properties = { "gateway.quota.upstream-max-in-flight=3", "modelslab.response-timeout=40s" })
class AccountCapTest extends GatewayIntegrationTest {

    @Test
    void theAccountWideCapKeepsEveryTenantTogetherUnderModelsLabsQueueLimit() throws Exception {
        TestTenant one = tenant();
        TestTenant two = tenant();
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger mostInFlight = upstream.holdAnswersUntil(gate);

        List<Response> responses = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String key = i % 2 == 0 ? one.key() : two.key();
                futures.add(pool.submit(() -> text2img(key, Bodies.text2img("a cat"))));
            }
            // ModelsLab holds the admitted calls until every refusal is back, so exactly the cap is admitted.
            await().atMost(30, TimeUnit.SECONDS).until(() -> forwardedCount() == 3 && futures.stream()
                .filter(f -> f.isDone() && f.resultNow().status() != 200).count() >= 17);
            gate.countDown();
            for (Future<Response> future : futures) {
                responses.add(future.get());
            }
        }

        long admitted = responses.stream().filter(r -> r.status() == 200).count();
        assertThat(mostInFlight.get()).isEqualTo(3);
        assertThat(admitted).isEqualTo(3);
        assertThat(responses).filteredOn(r -> r.status() != 200).isNotEmpty().allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.code()).isEqualTo("upstream_rate_limited");
            assertThat(r.header("Retry-After")).isEqualTo("1");
        });
        assertThat(forwardedCount()).isEqualTo(admitted);
        assertThat(ledgerRows(one.id()) + ledgerRows(two.id())).isEqualTo(admitted);
        assertThat(reservations(one.id()) + reservations(two.id())).isZero();
        assertThat(jdbc.sql("SELECT in_flight FROM upstream_slot").query(Integer.class).single()).isZero();
        assertThat(admin("GET", "/admin/tenants/" + one.id(), null).json().get("inFlight").asInt()).isZero();
    }
}
