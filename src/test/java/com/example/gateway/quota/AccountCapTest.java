package com.example.gateway.quota;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.example.gateway.support.Bodies;
import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The cap under the name it had before calls waited for a slot ({@code gateway.upstream.max-in-flight} now). */
// Closed after the class: its dispatcher would otherwise go on polling the database through the rest of the run.
@DirtiesContext
@TestPropertySource(properties = { "gateway.quota.upstream-max-in-flight=3", "gateway.upstream.poll-interval=100ms" })
class AccountCapTest extends GatewayIntegrationTest {

    @Test
    void theAccountWideCapKeepsEveryTenantTogetherUnderModelsLabsQueueLimitAndCallsWaitInsteadOfFailing()
            throws Exception {
        TestTenant one = tenant();
        TestTenant two = tenant();
        AtomicInteger mostInFlight = upstream.answerSlowlyCountingMostInFlight(200);

        List<Response> responses = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String key = i % 2 == 0 ? one.key() : two.key();
                futures.add(pool.submit(() -> text2img(key, Bodies.text2img("a cat"))));
            }
            for (Future<Response> future : futures) {
                responses.add(future.get());
            }
        }

        assertThat(responses).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        assertThat(mostInFlight.get()).isEqualTo(3);
        assertThat(forwardedCount()).isEqualTo(20);
        assertThat(ledgerRows(one.id()) + ledgerRows(two.id())).isEqualTo(20);
        assertThat(reservations(one.id()) + reservations(two.id())).isZero();
        await().until(() -> jdbc.sql("SELECT count(*) FROM upstream_waiter").query(Long.class).single() == 0);
        assertThat(admin("GET", "/admin/tenants/" + one.id(), null).json().get("inFlight").asInt()).isZero();
    }
}
