package com.example.gateway.alert;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.example.gateway.support.TestClock;
import com.example.gateway.support.Bodies;
import com.example.gateway.support.ExtraReplica;
import com.example.gateway.outbound.OutboundProperties;
import com.example.gateway.outbound.OutboundTargets;
import com.example.gateway.support.GatewayIntegrationTest;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class BudgetAlertTest extends GatewayIntegrationTest {

    private static ExtraReplica secondReplica;
    private static HttpServer webhook;
    @Autowired
    private JsonMapper json;

    private static final List<JsonNode> delivered = new CopyOnWriteArrayList<>();
    private static final AtomicInteger failuresToServe = new AtomicInteger();
    private static final AtomicInteger failingHits = new AtomicInteger();
    private static final AtomicInteger redirectHits = new AtomicInteger();

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
        webhook.createContext("/failing", exchange -> {
            exchange.getRequestBody().readAllBytes();
            failingHits.incrementAndGet();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        webhook.createContext("/moved", exchange -> {
            exchange.getRequestBody().readAllBytes();
            redirectHits.incrementAndGet();
            exchange.getResponseHeaders().set("Location", "/hooks/after-redirect");
            exchange.sendResponseHeaders(307, -1);
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
        failingHits.set(0);
        redirectHits.set(0);
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

    @Test
    void sendsNoAlertForAThresholdNotYetCrossed() {
        TestTenant tenant = tenantWithWebhook(PRICE.multiply(BigDecimal.TEN));

        for (int i = 0; i < 7; i++) {
            assertThat(text2img(tenant.key(), "{\"prompt\":\"cats\"}").status()).isEqualTo(200);
        }
        assertThat(alertRows(tenant)).isZero();
        assertThat(text2img(tenant.key(), "{\"prompt\":\"cats\"}").status()).isEqualTo(200);

        await().atMost(20, TimeUnit.SECONDS).until(() -> ofTenant(tenant).size() == 1);
        assertThat(ofTenant(tenant).getFirst().get("thresholdPercent").asInt()).isEqualTo(80);
        assertThat(ofTenant(tenant).getFirst().get("spentUsd").decimalValue()).isEqualByComparingTo(
                PRICE.multiply(BigDecimal.valueOf(8)));
        assertThat(alertRows(tenant)).isEqualTo(1);
    }

    @Test
    void givesAnAlertUpAfterItsLastAttemptAndNeverSendsItAgain() {
        TestClock clock = new TestClock(Instant.now().plus(Duration.ofDays(30)));
        BudgetAlertDispatcher dispatcher = dispatcher(clock, true);
        TestTenant tenant = alertDueAt(clock.instant(), "/failing");

        assertThat(dispatcher.deliverDue()).isEqualTo(1);
        assertThat(failingHits.get()).isEqualTo(1);
        assertThat(dispatcher.deliverDue()).as("not due before its backoff").isZero();
        clock.advance(Duration.ofHours(1));
        assertThat(dispatcher.deliverDue()).isEqualTo(1);
        clock.advance(Duration.ofDays(1));
        assertThat(dispatcher.deliverDue()).isZero();

        assertThat(failingHits.get()).isEqualTo(2);
        Map<String, Object> row = alertRow(tenant);
        assertThat(row.get("attempts")).isEqualTo(2);
        assertThat(row.get("failed_at")).isNotNull();
        assertThat(row.get("delivered_at")).isNull();
        assertThat(row.get("last_error")).isEqualTo("HTTP 500");
    }

    @Test
    void refusesAPrivateTargetAtSendTimeWhenPrivateTargetsAreNotAllowed() {
        TestClock clock = new TestClock(Instant.now().plus(Duration.ofDays(60)));
        // Configured when the name resolved to a public address (or private targets were allowed); now it is private.
        TestTenant tenant = alertDueAt(clock.instant(), "/hooks/budget");

        assertThat(dispatcher(clock, false).deliverDue()).isEqualTo(1);

        assertThat(ofTenant(tenant)).isEmpty();
        Map<String, Object> row = alertRow(tenant);
        assertThat(row.get("delivered_at")).isNull();
        assertThat(row.get("last_error")).isEqualTo("refused target: the URL must not resolve to a loopback,"
                + " link-local, private, unspecified or multicast address");
        clock.advance(Duration.ofDays(1));
        assertThat(dispatcher(clock, true).deliverDue()).as("the same alert, once the target is allowed").isEqualTo(1);
        assertThat(ofTenant(tenant)).hasSize(1);
    }

    @Test
    void followsNoRedirectAndCountsItAsAFailedDelivery() {
        TestClock clock = new TestClock(Instant.now().plus(Duration.ofDays(90)));
        TestTenant tenant = alertDueAt(clock.instant(), "/moved");

        assertThat(dispatcher(clock, true).deliverDue()).isEqualTo(1);

        assertThat(redirectHits.get()).isEqualTo(1);
        assertThat(ofTenant(tenant)).isEmpty();
        assertThat(alertRow(tenant).get("last_error")).isEqualTo("HTTP 307");
        assertThat(alertRow(tenant).get("delivered_at")).isNull();
    }

    /**
     * A dispatcher of its own, whose clock is far ahead: the application's dispatchers, on the real clock, leave alone
     * the alerts these tests make due only then.
     */
    private BudgetAlertDispatcher dispatcher(Clock clock, boolean allowPrivateTargets) {
        return new BudgetAlertDispatcher(jdbc, clock, new AlertProperties(Duration.ofSeconds(5), Duration.ofSeconds(2),
                Duration.ofMinutes(1), 2), new OutboundTargets(new OutboundProperties(allowPrivateTargets)), json);
    }

    private TestTenant alertDueAt(Instant due, String path) {
        TestTenant tenant = newTenant().budget("1.00").create();
        jdbc.sql("UPDATE tenant SET alert_webhook_url = ? WHERE id = ?")
            .params("http://127.0.0.1:" + webhook.getAddress().getPort() + path, tenant.id())
            .update();
        jdbc.sql("""
                INSERT INTO budget_alert (tenant_id, month, threshold_percent, spent_usd, budget_usd, created_at,
                                          next_attempt_at)
                VALUES (?, date_trunc('month', now())::date, 80, 0.8, 1.00, now(), ?)
                """).params(tenant.id(), due.atOffset(ZoneOffset.UTC)).update();
        return tenant;
    }

    private Map<String, Object> alertRow(TestTenant tenant) {
        return jdbc.sql("SELECT attempts, delivered_at, failed_at, last_error FROM budget_alert WHERE tenant_id = ?")
            .param(tenant.id()).query().singleRow();
    }

    private long alertRows(TestTenant tenant) {
        return jdbc.sql("SELECT count(*) FROM budget_alert WHERE tenant_id = ?").param(tenant.id()).query(Long.class)
            .single();
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
