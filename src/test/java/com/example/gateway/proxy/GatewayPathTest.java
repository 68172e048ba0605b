package com.example.gateway.proxy;

import java.math.BigDecimal;
import java.util.Map;

import com.example.gateway.support.Bodies;
import com.example.gateway.support.FakeModelsLab;
import com.example.gateway.support.FakeModelsLab.Reply;
import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayPathTest extends GatewayIntegrationTest {

    @Test
    void forwardsWithTheSharedKeyAndRecordsTheExactCost() {
        TestTenant tenant = newTenant().budget("1.00").create();

        Response response = text2img(tenant.key(),
                """
                        {"model_id":"octoflat","prompt":"a cat","width":"512","height":512,"x_unknown":{"a":[1,2.50]}}""");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("id").isIntegralNumber()).isTrue();
        assertThat(response.json().get("tip_1").asString()).isEqualTo("keep me");
        assertThat(response.body()).doesNotContain(SHARED_KEY).doesNotContain(tenant.key());
        assertThat(response.header("X-Request-Id")).isNotBlank();
        assertThat(response.header("X-Gateway-Cost-USD")).isEqualTo("0.0047");
        assertThat(response.header("X-Gateway-Budget-Remaining-USD")).isEqualTo("0.9953");

        FakeModelsLab.Received forwarded = upstream.received().getFirst();
        assertThat(forwarded.path()).isEqualTo("/api/v6/images/text2img");
        JsonNode sent = JSON.readTree(forwarded.body());
        assertThat(sent.get("key").asString()).isEqualTo(SHARED_KEY);
        assertThat(forwarded.body()).doesNotContain(tenant.key());
        assertThat(forwarded.headers().toString()).doesNotContain(tenant.key());
        assertThat(sent.get("width").isString()).as("forwarded as the client sent it").isTrue();
        assertThat(forwarded.body()).contains("\"x_unknown\":{\"a\":[1,2.50]}");

        Map<String, Object> row = jdbc.sql("SELECT * FROM call_ledger WHERE tenant_id = ?").param(tenant.id())
            .query().singleRow();
        assertThat(row.get("cost_usd")).isEqualTo(new BigDecimal("0.00470000"));
        assertThat(row.get("outcome")).isEqualTo("success");
        assertThat(row.get("http_status")).isEqualTo(200);
        assertThat(row.get("upstream_id")).isEqualTo(response.json().get("id").asString());
        assertThat(row.get("request_id").toString()).isEqualTo(response.header("X-Request-Id"));
        assertThat(reservations(tenant.id())).isZero();
    }

    @Test
    void acceptsTheTenantKeyInTheBodyLikeModelsLabClientsSendIt() {
        TestTenant tenant = tenant();

        Response response = send("POST", "/api/v6/images/text2img",
                """
                {"key":"%s","prompt":"a cat"}""".formatted(tenant.key()), Map.of());

        assertThat(response.status()).isEqualTo(200);
        JsonNode sent = JSON.readTree(upstream.received().getFirst().body());
        assertThat(sent.get("key").asString()).isEqualTo(SHARED_KEY);
        assertThat(sent.get("model_id").asString()).as("the default model fills a missing model_id")
            .isEqualTo("octoflat");
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo("0.0047");
    }

    @Test
    void refusesABearerKeyThatDiffersFromTheBodyKey() {
        TestTenant one = tenant();
        TestTenant other = tenant();

        Response response = send("POST", "/api/v6/images/text2img",
                """
                {"key":"%s","prompt":"a cat"}""".formatted(other.key()), Map.of("Authorization", "Bearer " + one.key()));

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.code()).isEqualTo("invalid_key");
        assertThat(upstream.received()).isEmpty();
    }

    @Test
    void chargesPricePerImageTimesSamplesAndPerCallWhereConfigured() {
        TestTenant tenant = tenant();

        Response four = text2img(tenant.key(), """
                {"prompt":"cats","samples":"4"}""");
        Response premium = text2img(tenant.key(), """
                {"prompt":"cats","samples":2,"model_id":"premium"}""");
        Response flat = text2img(tenant.key(), """
                {"prompt":"cats","samples":3,"model_id":"flat-call"}""");

        assertThat(four.header("X-Gateway-Cost-USD")).isEqualTo("0.0188");
        assertThat(premium.header("X-Gateway-Cost-USD")).isEqualTo("0.02");
        assertThat(flat.header("X-Gateway-Cost-USD")).isEqualTo("0.02");
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo("0.0588");
    }

    @Test
    void refusesAModelThatIsNotEnabledWithoutForwardingIt() {
        TestTenant tenant = tenant();

        Response response = text2img(tenant.key(), """
                {"prompt":"cats","model_id":"some-unpriced-model"}""");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.code()).isEqualTo("model_not_enabled");
        assertThat(upstream.received()).isEmpty();
        assertThat(ledgerRows(tenant.id())).isZero();
    }

    @Test
    void servesImg2imgAndInpaintOnTheSamePath() {
        TestTenant tenant = tenant();

        Response img2img = send("POST", "/api/v6/images/img2img",
                """
                        {"prompt":"cats","init_image":"https://example.com/a.png","strength":0.7}""",
                Map.of("Authorization", "Bearer " + tenant.key()));
        Response inpaint = send("POST", "/api/v6/images/inpaint",
                """
                        {"prompt":"cats","init_image":"https://example.com/a.png","mask_image":"https://example.com/m.png"}""",
                Map.of("Authorization", "Bearer " + tenant.key()));
        Response noMask = send("POST", "/api/v6/images/inpaint",
                """
                        {"prompt":"cats","init_image":"https://example.com/a.png"}""",
                Map.of("Authorization", "Bearer " + tenant.key()));

        assertThat(img2img.status()).isEqualTo(200);
        assertThat(inpaint.status()).isEqualTo(200);
        assertThat(noMask.status()).isEqualTo(400);
        assertThat(noMask.json().get("message").asString()).contains("mask_image");
        assertThat(upstream.received()).extracting(FakeModelsLab.Received::path)
            .containsExactly("/api/v6/images/img2img", "/api/v6/images/inpaint");
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo("0.0094");
    }

    @Test
    void rewritesFetchResultAndLetsOnlyTheOwnerFetchWithoutCharge() {
        TestTenant owner = tenant();
        TestTenant stranger = tenant();
        long id = upstream.nextId();
        upstream.answer(request -> request.path().contains("/fetch/") ? FakeModelsLab.success(request)
                : FakeModelsLab.processing(id));

        Response queued = text2img(owner.key(), Bodies.text2img("a slow cat"));

        assertThat(queued.status()).isEqualTo(200);
        assertThat(queued.json().get("status").asString()).isEqualTo("processing");
        assertThat(queued.json().get("fetch_result").asString()).isEqualTo(baseUrl() + "/api/v6/images/fetch/" + id);
        assertThat(queued.json().get("id").isIntegralNumber()).isTrue();
        assertThat(queued.json().get("messege").asString()).startsWith("Try to fetch");
        assertThat(queued.json().get("output").asString()).isEmpty();
        assertThat(queued.header("X-Gateway-Cost-USD")).as("a queued generation is charged").isEqualTo("0.0047");

        Response byPath = send("POST", "/api/v6/images/fetch/" + id, """
                {"key":"%s"}""".formatted(owner.key()), Map.of());
        Response byBody = send("POST", "/api/v6/images/fetch", """
                {"key":"%s","request_id":%d}""".formatted(owner.key(), id),
                Map.of());
        Response foreign = send("POST", "/api/v6/images/fetch/" + id, "{}", Map.of("Authorization", "Bearer " + stranger.key()));
        Response unknown = send("POST", "/api/v6/images/fetch/12345", """
                {"key":"%s"}""".formatted(owner.key()), Map.of());

        assertThat(byPath.status()).isEqualTo(200);
        assertThat(byPath.json().get("status").asString()).isEqualTo("success");
        assertThat(byPath.header("X-Gateway-Cost-USD")).isEqualTo("0");
        assertThat(byBody.status()).isEqualTo(200);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.code()).isEqualTo("not_found");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(upstream.received()).filteredOn(r -> r.path().equals("/api/v6/images/fetch/" + id)).hasSize(2)
            .allSatisfy(r -> assertThat(JSON.readTree(r.body()).get("key").asString()).isEqualTo(SHARED_KEY));
        assertThat(ledgerRows(owner.id())).isEqualTo(1);
        assertThat(ledgerSum(owner.id())).isEqualByComparingTo("0.0047");
    }

    @Test
    void refusesTheAdminTokenOnClientEndpoints() {
        Response response = text2img(ADMIN_TOKEN, Bodies.text2img("cats"));

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.code()).isEqualTo("invalid_key");
        assertThat(upstream.received()).isEmpty();
    }

    @Test
    void refusesARevokedKeyAndASuspendedTenant() {
        TestTenant tenant = tenant();
        String keyId = admin("GET", "/admin/tenants/" + tenant.id() + "/keys", null).json().get(0).get("id").asString();

        assertThat(admin("DELETE", "/admin/tenants/" + tenant.id() + "/keys/" + keyId, null).status()).isEqualTo(204);
        Response revoked = text2img(tenant.key(), Bodies.text2img("cats"));

        String second = newKey(tenant.id());
        admin("PATCH", "/admin/tenants/" + tenant.id(), """
                {"suspended":true}""");
        Response suspended = text2img(second, Bodies.text2img("cats"));

        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.code()).isEqualTo("invalid_key");
        assertThat(suspended.status()).isEqualTo(403);
        assertThat(suspended.code()).isEqualTo("tenant_suspended");
        assertThat(upstream.received()).isEmpty();
        assertThat(ledgerRows(tenant.id())).isZero();
    }

    @Test
    void passesModelsLabClientErrorsThroughUnchargedAsTheyCame() {
        TestTenant tenant = tenant();
        String answer = """
                {"status":"error","messege":"Model not found: octoflat","tip":"x"}""";
        upstream.answer(request -> Reply.json(200, answer));

        Response response = text2img(tenant.key(), Bodies.text2img("cats"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(answer);
        assertThat(response.header("X-Gateway-Cost-USD")).isEqualTo("0");
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo("0");
        assertThat(jdbc.sql("SELECT outcome FROM call_ledger WHERE tenant_id = ?").param(tenant.id())
            .query(String.class).single()).isEqualTo("upstream_rejected");
    }

    @Test
    void neverPassesOnTheSharedKeyEvenIfModelsLabEchoesIt() {
        TestTenant tenant = tenant();
        upstream.answer(request -> Reply.json(200,
                """
                {"status":"success","id":7,"output":[],"meta":{"key":"%s"}}""".formatted(SHARED_KEY)));

        Response response = text2img(tenant.key(), Bodies.text2img("cats"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).doesNotContain(SHARED_KEY).contains("[redacted]");
    }

    @Test
    void countsCallsCostAndLatencyInPrometheusWithoutKeysOrPrompts() {
        TestTenant tenant = tenant();
        text2img(tenant.key(), Bodies.text2img("a very secret prompt"));

        Response metrics = send("GET", "/actuator/prometheus", null, Map.of());

        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body())
            .contains("gateway_calls_total{")
            .contains("tenant=\"" + tenant.id() + "\"")
            .contains("gateway_cost_usd_total{")
            .contains("gateway_upstream_latency_seconds_bucket")
            .contains("gateway_added_latency_seconds_bucket")
            .contains("gateway_admission_latency_seconds_bucket")
            .contains("gateway_settlement_latency_seconds_bucket")
            .contains("gateway_inflight_calls")
            .doesNotContain(SHARED_KEY)
            .doesNotContain(tenant.key())
            .doesNotContain("a very secret prompt");
    }
}
