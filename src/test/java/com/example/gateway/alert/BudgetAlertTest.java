package com.example.gateway.alert;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.example.gateway.support.Bodies;
import com.example.gateway.support.ExtraReplica;
import com.example.gateway.support.GatewayIntegrationTest;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class BudgetAlertTest extends GatewayIntegrationTest {

    private static ExtraReplica secondReplica;
    private static HttpServer webhook;
    private static final List<JsonNode> delivered = new CopyOnWriteArrayList<>();
    private static final AtomicInteger failuresToServe = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        webhook.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (failuresToServe.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                exchange.sendResponseHeaders(500, -1);
            }
            else {
                delivered.add(JSON.readTree(body));
                exchange.sendResponseHeaders(204, -1);
            }
            exchange.close();
        });
        webhook.start();
        secondReplica = ExtraReplica.start();
    }

    @AfterAll
    static void stop() {
        secondReplica.close();
        webhook.stop(0);
    }

    @BeforeEach
    void clear() {
        delivered.clear();
        failuresToServe.set(0);
    }

    @Test
    void firesEachThresholdExactlyOnceWhenTwoReplicasSettleAtTheSameTime() throws Exception {
        TestTenant tenant = tenantWithWebhook(PRICE.multiply(BigDecimal.TEN));
        String second = secondReplica.baseUrl();

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String base = i % 2 == 0 ? baseUrl() : second;
                calls.add(pool.submit(() -> send(base, "POST", "/api/v6/images/text2img", Bodies.text2img("cats"),
                        Map.of("Authorization", "Bearer " + tenant.key()))));
            }
            for (Future<Response> call : calls) {
                assertThat(call.get().status()).isIn(200, 402);
            }
        }

        await().atMost(20, TimeUnit.SECONDS).until(() -> ofTenant(tenant).size() >= 2);
        Thread.sleep(Duration.ofSeconds(6));
        List<JsonNode> alerts = ofTenant(tenant);
        assertThat(alerts).extracting(a -> a.get("thresholdPercent").asInt()).containsExactlyInAnyOrder(80, 100);
        JsonNode full = alerts.stream().filter(a -> a.get("thresholdPercent").asInt() == 100).findFirst().orElseThrow();
        assertThat(full.get("type").asString()).isEqualTo("budget.threshold_crossed");
        assertThat(full.get("spentUsd").decimalValue()).isEqualByComparingTo(PRICE.multiply(BigDecimal.TEN));
        assertThat(full.get("budgetUsd").decimalValue()).isEqualByComparingTo(PRICE.multiply(BigDecimal.TEN));
        assertThat(full.get("id").asString()).startsWith(tenant.id() + ":");
    }

    @Test
    void retriesAFailedDeliveryUntilTheWebhookTakesIt() {
        TestTenant tenant = tenantWithWebhook(PRICE);
        failuresToServe.set(1);

        assertThat(text2img(tenant.key(), Bodies.text2img("cats")).status()).isEqualTo(200);

        await().atMost(30, TimeUnit.SECONDS).until(() -> ofTenant(tenant).size() == 2);
        assertThat(ofTenant(tenant)).extracting(a -> a.get("thresholdPercent").asInt()).containsExactlyInAnyOrder(80, 100);
        // The webhook sees the alert before the dispatcher's transaction marks it delivered.
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> assertThat(jdbc.sql(
                "SELECT count(*) FROM budget_alert WHERE tenant_id = ? AND delivered_at IS NOT NULL")
            .param(tenant.id()).query(Long.class).single()).isEqualTo(2));
    }

    private TestTenant tenantWithWebhook(BigDecimal budget) {
        TestTenant tenant = newTenant().budget(budget).create();
        Response patched = admin("PATCH", "/admin/tenants/" + tenant.id(), """
                {"alertWebhookUrl":"http://127.0.0.1:%d/hooks/budget","alertThresholds":[100,80]}"""
            .formatted(webhook.getAddress().getPort()));
        assertThat(patched.json().get("alertThresholds").toString()).isEqualTo("[80,100]");
        return tenant;
    }

    private static List<JsonNode> ofTenant(TestTenant tenant) {
        return delivered.stream().filter(a -> a.get("tenant").asString().equals(tenant.id())).toList();
    }
}
