package com.example.gateway.webhook;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

import com.example.gateway.support.ExtraReplica;
import com.example.gateway.support.GatewayIntegrationTest;
import com.example.gateway.support.TenantBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole loop on a replica that serves the built-in simulator as its ModelsLab: a queued call with a webhook, the
 * simulator's callback (posted twice, as ModelsLab may), and the signed delivery to the tenant's receiver. The test's
 * own gateway is another replica on the same database.
 */
class WebhookRelayEndToEndTest extends GatewayIntegrationTest {

    /** Shared by the tests that do not stop it. */
    private static ExtraReplica replica;
    private final WebhookReceiver receiver = WebhookReceiver.start();

    @BeforeAll
    static void startReplica() {
        replica = simulating();
    }

    @AfterAll
    static void stopReplica() {
        replica.close();
    }

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    @Test
    void aQueuedCallWithAWebhookGetsExactlyOneSignedDeliveryThatVerifies() throws InterruptedException {
        TestTenant tenant = TenantBuilder.on(replica.baseUrl()).create();
        String secret = secret(replica, tenant);

        Response queued = generate(replica, tenant, "a fox [queue]");

        assertThat(queued.json().get("status").asString()).isEqualTo("processing");
        await().atMost(Duration.ofSeconds(15)).until(() -> receiver.deliveries().size() == 1);
        Thread.sleep(1_000);
        assertThat(receiver.deliveries()).as("the simulator's repeat is not relayed").hasSize(1);
        WebhookReceiver.Delivery delivery = receiver.deliveries().getFirst();
        assertThat(delivery.verifiesWith(secret)).isTrue();
        JsonNode body = JSON.readTree(delivery.body());
        assertThat(body.get("status").asString()).isEqualTo("success");
        assertThat(body.get("track_id").asString()).isEqualTo("job-42");
        assertThat(body.get("id").asLong()).isEqualTo(queued.json().get("id").asLong());
        assertThat(body.get("output")).hasSize(1);
        assertThat(delivery.body()).doesNotContain(SHARED_KEY);
    }

    @Test
    void aGenerationTheSimulatorFailsIsRelayedAndCreditedOnce() {
        TestTenant tenant = TenantBuilder.on(replica.baseUrl()).budget("1.00").create();

        Response queued = generate(replica, tenant, "a fox [queue] [fail]");

        assertThat(queued.json().get("status").asString()).isEqualTo("processing");
        await().atMost(Duration.ofSeconds(15)).until(() -> receiver.deliveries().size() == 1);
        assertThat(JSON.readTree(receiver.deliveries().getFirst().body()).get("status").asString())
            .isEqualTo("failed");
        await().atMost(Duration.ofSeconds(10)).until(() -> adjustmentSum(tenant).signum() < 0);
        assertThat(adjustmentSum(tenant)).isEqualByComparingTo(PRICE.negate());
        Response fetched = send(replica.baseUrl(), "POST", "/api/v6/images/fetch/" + queued.json().get("id"),
                "{}", Map.of("Authorization", "Bearer " + tenant.key()));
        assertThat(fetched.json().get("status").asString()).isEqualTo("failed");
        assertThat(adjustmentSum(tenant)).as("credited once").isEqualByComparingTo(PRICE.negate());
    }

    @Test
    void anotherReplicaFinishesADeliveryAfterTheFirstOneStops() {
        receiver.failNext(Integer.MAX_VALUE);
        TestTenant tenant;
        try (ExtraReplica first = simulating()) {
            tenant = TenantBuilder.on(first.baseUrl()).create();
            generate(first, tenant, "a fox [queue]");
            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.attempts() >= 1);
        }
        receiver.failNext(0);

        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.deliveries().size() == 1);
        assertThat(JSON.readTree(receiver.deliveries().getFirst().body()).get("status").asString())
            .isEqualTo("success");
        assertThat(jdbc.sql("SELECT status FROM webhook_delivery WHERE tenant_id = ?").param(tenant.id())
            .query(String.class).single()).isEqualTo("delivered");
    }

    /** A replica whose ModelsLab is its own simulator, reachable (for the simulator's callbacks) at its own port. */
    private static ExtraReplica simulating() {
        int port = ExtraReplica.freePort();
        String base = "http://127.0.0.1:" + port;
        return ExtraReplica.with()
            .port(port)
            .modelsLab(base + "/simulator")
            .property("gateway.proxy.public-base-url", base)
            .property("gateway.simulator.enabled", "true")
            .property("gateway.simulator.expected-key", SHARED_KEY)
            .property("gateway.simulator.processing-time", "500ms")
            .property("gateway.simulator.repeat-webhooks", "true")
            .start();
    }

    private Response generate(ExtraReplica target, TestTenant tenant, String prompt) {
        Response response = send(target.baseUrl(), "POST", "/api/v6/images/text2img", """
                {"prompt":"%s","webhook":"%s","track_id":"job-42"}""".formatted(prompt, receiver.url("/images")),
                Map.of("Authorization", "Bearer " + tenant.key()));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response;
    }

    private static String secret(ExtraReplica target, TestTenant tenant) {
        return send(target.baseUrl(), "POST", "/admin/tenants/" + tenant.id() + "/webhook-secret", null,
                Map.of("Authorization", "Bearer " + ADMIN_TOKEN)).json().get("secret").asString();
    }

    private BigDecimal adjustmentSum(TestTenant tenant) {
        return jdbc.sql("SELECT coalesce(sum(amount_usd), 0) FROM ledger_adjustment WHERE tenant_id = ?")
            .param(tenant.id()).query(BigDecimal.class).single();
    }
}
