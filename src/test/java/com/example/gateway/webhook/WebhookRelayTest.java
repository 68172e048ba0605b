package com.example.gateway.webhook;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import com.example.gateway.support.FakeModelsLab;
import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The webhook relay against the fake ModelsLab: the test plays ModelsLab's callbacks itself. */
class WebhookRelayTest extends GatewayIntegrationTest {

    private final WebhookReceiver receiver = WebhookReceiver.start();

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    @Test
    void relaysOneSignedDeliveryWithTheTenantsTrackIdAndDropsModelsLabsRepeat() throws InterruptedException {
        TestTenant tenant = tenant();
        String secret = webhookSecret(tenant.id());
        Queued call = queuedCall(tenant, receiver.url("/hooks/images"));

        assertThat(call.callbackUrl()).startsWith(baseUrl() + "/webhooks/modelslab/").doesNotContain("/hooks/images");
        String payload = """
                {"status":"success","id":%d,"output":["https://pub.r2.dev/generations/a-0.png"],"generationTime":3.2,
                 "track_id":"order-7","fetch_result":"https://modelslab.com/api/v6/images/fetch/%d",
                 "meta":{"prompt":"a cat","echo":"%s"}}""".formatted(call.upstreamId(), call.upstreamId(), SHARED_KEY);
        assertThat(callback(call, payload).status()).isEqualTo(200);
        assertThat(callback(call, payload).status()).as("ModelsLab's repeat").isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.deliveries().size() == 1);
        Thread.sleep(800);
        assertThat(receiver.deliveries()).hasSize(1);
        WebhookReceiver.Delivery delivery = receiver.deliveries().getFirst();
        assertThat(delivery.verifiesWith(secret)).isTrue();
        assertThat(delivery.headers().get("webhook-id")).startsWith("msg_");
        assertThat(delivery.body()).doesNotContain(SHARED_KEY);
        JsonNode body = JSON.readTree(delivery.body());
        assertThat(body.get("track_id").asString()).isEqualTo("order-7");
        assertThat(body.get("output").get(0).asString()).isEqualTo("https://pub.r2.dev/generations/a-0.png");
        assertThat(body.get("fetch_result").asString())
            .isEqualTo(baseUrl() + "/api/v6/images/fetch/" + call.upstreamId());
        await().atMost(Duration.ofSeconds(5)).until(() -> "success".equals(finalOutcomeListed(tenant, call)));
    }

    @Test
    void aReceiverThatFailsThreeTimesGetsTheDeliveryOnTheFourthAttempt() {
        TestTenant tenant = tenant();
        Queued call = queuedCall(tenant, receiver.url("/flaky"));
        receiver.failNext(3);

        assertThat(callback(call, success(call)).status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(15)).until(() -> receiver.deliveries().size() == 1);
        assertThat(receiver.attempts()).isEqualTo(4);
        JsonNode listed = admin("GET", "/admin/webhook-deliveries?tenant=" + tenant.id(), null).json().get(0);
        assertThat(listed.get("status").asString()).isEqualTo("delivered");
        assertThat(listed.get("attempts").asInt()).isEqualTo(4);
        assertThat(listed.get("requestId").asString()).isEqualTo(call.requestId().toString());
    }

    @Test
    void aGivenUpDeliveryCanBeRetriedByAnAdmin() {
        TestTenant tenant = tenant();
        Queued call = queuedCall(tenant, receiver.url("/down"));
        receiver.failNext(1_000);
        callback(call, success(call));
        jdbc.sql("UPDATE webhook_delivery SET give_up_at = now() WHERE request_id = ?").param(call.requestId())
            .update();
        await().atMost(Duration.ofSeconds(10)).until(() -> "failed".equals(deliveryStatus(call)));
        String id = jdbc.sql("SELECT id::text FROM webhook_delivery WHERE request_id = ?").param(call.requestId())
            .query(String.class).single();

        receiver.failNext(0);
        Response retried = admin("POST", "/admin/webhook-deliveries/" + id + "/retry", null);

        assertThat(retried.status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.deliveries().size() == 1);
        assertThat(admin("POST", "/admin/webhook-deliveries/" + id + "/retry", null).code()).isEqualTo("conflict");
        assertThat(admin("POST", "/admin/webhook-deliveries/" + UUID.randomUUID() + "/retry", null).code())
            .isEqualTo("not_found");
    }

    @Test
    void anUnknownTokenIsNotFoundInTheGatewaysDialect() {
        Response unknown = send("POST", "/webhooks/modelslab/" + "A".repeat(43), "{\"status\":\"success\"}", Map.of());
        Response malformedToken = send("POST", "/webhooks/modelslab/nope", "{\"status\":\"success\"}", Map.of());

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("not_found");
        assertThat(unknown.json().get("status").asString()).isEqualTo("error");
        assertThat(malformedToken.status()).isEqualTo(404);
    }

    @Test
    void aCallbackForAnotherCallsTokenCannotChangeThisCall() {
        TestTenant tenant = newTenant().budget("1.00").create();
        Queued mine = queuedCall(tenant, receiver.url("/mine"));
        Queued other = queuedCall(tenant(), receiver.url("/other"));

        // Another call's token, with this call's id in the payload: it is about the other call only.
        callback(other, failed(mine));

        assertThat(finalOutcome(mine)).isNull();
        assertThat(callback(mine, success(mine)).status()).isEqualTo(200);
        assertThat(finalOutcome(mine)).isEqualTo("success");
        assertThat(callback(mine, failed(mine)).status()).as("a used-up token").isEqualTo(404);
        assertThat(finalOutcome(mine)).isEqualTo("success");
        assertThat(credits(mine)).isZero();
    }

    @Test
    void oversizedAndMalformedCallbacksAreRefusedAndNothingIsRecorded() {
        Queued call = queuedCall(tenant(), receiver.url("/hooks"));
        String oversized = "{\"status\":\"success\",\"pad\":\"" + "x".repeat(70 * 1024) + "\"}";

        assertThat(callback(call, oversized).status()).isEqualTo(413);
        assertThat(callback(call, "{\"status\":").code()).isEqualTo("invalid_request");
        assertThat(callback(call, "[1,2]").status()).isEqualTo(400);
        assertThat(callback(call, "").status()).isEqualTo(400);
        assertThat(callback(call, "{\"status\":\"processing\",\"id\":1}").status()).as("not final").isEqualTo(200);

        assertThat(jdbc.sql("SELECT count(*) FROM webhook_delivery WHERE request_id = ?").param(call.requestId())
            .query(Long.class).single()).isZero();
        assertThat(finalOutcome(call)).isNull();
        assertThat(callback(call, success(call)).status()).as("the token is still good").isEqualTo(200);
    }

    @Test
    void aFailedGenerationIsCreditedOnceWhenWebhookAndFetchBothReportIt() {
        TestTenant tenant = newTenant().budget("1.00").create();
        Queued webhookFirst = queuedCall(tenant, receiver.url("/hooks"));
        Queued fetchFirst = queuedCall(tenant, receiver.url("/hooks"));

        callback(webhookFirst, failed(webhookFirst));
        assertThat(fetch(tenant, webhookFirst).status()).isEqualTo(200);
        assertThat(fetch(tenant, fetchFirst).status()).isEqualTo(200);
        callback(fetchFirst, failed(fetchFirst));

        await().atMost(Duration.ofSeconds(5)).until(() -> credits(webhookFirst) == 1 && credits(fetchFirst) == 1);
        assertThat(finalOutcome(fetchFirst)).isEqualTo("failed");
        assertThat(jdbc.sql("SELECT source FROM generation_final_outcome WHERE request_id = ?")
            .param(fetchFirst.requestId()).query(String.class).single()).isEqualTo("fetch");
        JsonNode tenantView = admin("GET", "/admin/tenants/" + tenant.id(), null).json();
        assertThat(tenantView.get("spentUsd").decimalValue()).isEqualByComparingTo("0");
    }

    @Test
    void aFailureReportedBeforeTheCallIsSettledIsStillCredited() throws Exception {
        TestTenant tenant = newTenant().budget("1.00").create();
        long id = upstream.nextId();
        CountDownLatch answer = new CountDownLatch(1);
        upstream.answer(request -> {
            try {
                answer.await();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            return FakeModelsLab.processing(id);
        });
        CompletableFuture<Response> pending = CompletableFuture.supplyAsync(() -> text2img(tenant.key(),
                withWebhook(receiver.url("/hooks"))));
        await().atMost(Duration.ofSeconds(10)).until(() -> !upstream.received().isEmpty());
        String callbackUrl = JSON.readTree(upstream.received().getLast().body()).get("webhook").asString();
        UUID requestId = jdbc.sql("SELECT request_id FROM webhook_relay WHERE tenant_id = ?").param(tenant.id())
            .query(UUID.class).single();
        Queued call = new Queued(requestId, id, callbackUrl);

        assertThat(callback(call, failed(call)).status()).isEqualTo(200);
        assertThat(credits(call)).as("nothing to credit before the call is in the ledger").isZero();

        answer.countDown();
        assertThat(pending.get().status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> credits(call) == 1);
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo(PRICE);
    }

    @Test
    void aDisallowedWebhookIsRefusedBeforeAnythingIsForwardedOrCharged() {
        TestTenant tenant = tenant();
        Response restricted = admin("PATCH", "/admin/tenants/" + tenant.id(),
                "{\"webhookAllowedHosts\":[\"hooks.example.org\",\"*.example.net\"]}");
        assertThat(restricted.json().get("webhookAllowedHosts").toString())
            .isEqualTo("[\"hooks.example.org\",\"*.example.net\"]");

        Response notAllowed = text2img(tenant.key(), withWebhook(receiver.url("/hooks")));
        Response metadata = text2img(tenant(), withWebhook("http://169.254.169.254/latest/meta-data"));
        Response notAString = text2img(tenant.key(), "{\"prompt\":\"a cat\",\"webhook\":42}");

        assertThat(notAllowed.status()).isEqualTo(400);
        assertThat(notAllowed.code()).isEqualTo("invalid_request");
        assertThat(notAllowed.json().get("message").asString()).contains("'webhook'");
        assertThat(metadata.code()).isEqualTo("invalid_request");
        assertThat(notAString.code()).isEqualTo("invalid_request");
        assertThat(forwardedCount()).isZero();
        assertThat(ledgerRows(tenant.id())).isZero();
        assertThat(reservations(tenant.id())).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM webhook_relay WHERE tenant_id = ?").param(tenant.id())
            .query(Long.class).single()).isZero();
    }

    @Test
    void aRotatedSecretKeepsSigningBesideTheNewOneAndSecretsAreShownOnce() {
        TestTenant tenant = tenant();
        String old = webhookSecret(tenant.id());
        String current = webhookSecret(tenant.id());
        Queued call = queuedCall(tenant, receiver.url("/hooks"));

        callback(call, success(call));

        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.deliveries().size() == 1);
        WebhookReceiver.Delivery delivery = receiver.deliveries().getFirst();
        assertThat(delivery.verifiesWith(current)).isTrue();
        assertThat(delivery.verifiesWith(old)).isTrue();
        assertThat(admin("GET", "/admin/tenants/" + tenant.id(), null).body()).doesNotContain(current, "whsec_");
        assertThat(jdbc.sql("SELECT count(*) FROM tenant_webhook_secret WHERE position(? in encode(sealed_secret, "
                + "'escape')) > 0").param(current.substring(6)).query(Long.class).single()).isZero();
        assertThat(admin("POST", "/admin/tenants/no-such-tenant/webhook-secret", null).status()).isEqualTo(404);
    }

    private Response text2img(TestTenant tenant, String body) {
        return text2img(tenant.key(), body);
    }

    private String webhookSecret(String tenantId) {
        Response created = admin("POST", "/admin/tenants/" + tenantId + "/webhook-secret", null);
        assertThat(created.status()).isEqualTo(201);
        return created.json().get("secret").asString();
    }

    /** A call ModelsLab queued; its callback URL is what the gateway forwarded as the webhook. */
    private Queued queuedCall(TestTenant tenant, String webhook) {
        long id = upstream.nextId();
        upstream.answer(request -> request.path().contains("/fetch")
                ? FakeModelsLab.Reply.json(200, "{\"status\":\"failed\",\"id\":%d,\"output\":[]}".formatted(id))
                : FakeModelsLab.processing(id));
        Response response = text2img(tenant.key(), withWebhook(webhook));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<FakeModelsLab.Received> received = upstream.received();
        String callbackUrl = JSON.readTree(received.getLast().body()).get("webhook").asString();
        return new Queued(UUID.fromString(response.header("X-Request-Id")), id, callbackUrl);
    }

    private static String withWebhook(String webhook) {
        return "{\"prompt\":\"a cat\",\"webhook\":\"%s\",\"track_id\":\"order-7\"}".formatted(webhook);
    }

    private Response callback(Queued call, String payload) {
        return send("POST", call.callbackUrl().substring(baseUrl().length()), payload, Map.of());
    }

    private Response fetch(TestTenant tenant, Queued call) {
        return send("POST", "/api/v6/images/fetch/" + call.upstreamId(), "{}",
                Map.of("Authorization", "Bearer " + tenant.key()));
    }

    private static String success(Queued call) {
        return "{\"status\":\"success\",\"id\":%d,\"output\":[\"https://pub.r2.dev/x.png\"],\"track_id\":\"order-7\"}"
            .formatted(call.upstreamId());
    }

    private static String failed(Queued call) {
        return "{\"status\":\"failed\",\"id\":%d,\"output\":[],\"track_id\":\"order-7\"}".formatted(call.upstreamId());
    }

    private String finalOutcome(Queued call) {
        return jdbc.sql("SELECT outcome FROM generation_final_outcome WHERE request_id = ?").param(call.requestId())
            .query(String.class).optional().orElse(null);
    }

    private String finalOutcomeListed(TestTenant tenant, Queued call) {
        for (JsonNode item : admin("GET", "/admin/calls?tenant=" + tenant.id(), null).json().get("items")) {
            if (item.get("requestId").asString().equals(call.requestId().toString())) {
                return item.get("finalOutcome").asString(null);
            }
        }
        return null;
    }

    private String deliveryStatus(Queued call) {
        return jdbc.sql("SELECT status FROM webhook_delivery WHERE request_id = ?").param(call.requestId())
            .query(String.class).optional().orElse(null);
    }

    private long credits(Queued call) {
        return jdbc.sql("SELECT count(*) FROM ledger_adjustment WHERE request_id = ? AND kind = "
                + "'failed_generation_credit'").param(call.requestId()).query(Long.class).single();
    }

    private record Queued(UUID requestId, long upstreamId, String callbackUrl) {
    }
}
