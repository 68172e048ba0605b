package com.example.gateway.faults;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.example.gateway.support.Bodies;
import com.example.gateway.support.ExtraReplica;
import com.example.gateway.support.FakeModelsLab;
import com.example.gateway.support.FakeModelsLab.Reply;
import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static com.example.gateway.faults.ErrorDialect.assertError;
import static com.example.gateway.faults.ErrorDialect.assertNoSecrets;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the client gets, and what the ledger says, when ModelsLab misbehaves: no answer, a broken connection, 5xx,
 * garbage, its own errors, a rejected shared key, a full queue. Every admitted call leaves exactly one ledger row and no
 * reservation; calls ModelsLab may have worked on are charged, those it certainly did not are not
 * ({@code proxy.ChargingRuleTest} has every row of the rule; these are the rows end to end).
 */
@ExtendWith(OutputCaptureExtension.class)
class UpstreamFaultTest extends GatewayIntegrationTest {

    private static final String CAT = Bodies.text2img("a cat");

    private TestTenant tenant;

    @AfterEach
    void keysNeverReachTheLogs(CapturedOutput output) {
        assertThat(output.getAll()).doesNotContain(SHARED_KEY);
        if (tenant != null) {
            assertThat(output.getAll()).doesNotContain(tenant.key());
        }
    }

    @Test
    void noAnswerInTimeIsAChargedUpstreamTimeout() {
        tenant = newTenant().budget("1.00").create();
        upstream.answer(request -> FakeModelsLab.success(request).delayedBy(2500));

        long started = System.nanoTime();
        Response response = text2img(tenant.key(), CAT);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertError(response, 504, "upstream_timeout");
        assertThat(tookMillis).as("waited out the 2 s response timeout").isGreaterThanOrEqualTo(1900L);
        assertThat(response.header("X-Gateway-Cost-USD")).isEqualTo("0.0047");
        assertSettled("upstream_timeout", "0.0047");
    }

    @Test
    void connectionRefusedIsAnUnchargedUpstreamError() {
        tenant = tenant();
        // A second replica on the same database, whose ModelsLab is a port nobody listens on.
        try (ExtraReplica replica = ExtraReplica.with()
            .modelsLab("http://127.0.0.1:" + ExtraReplica.freePort())
            .start()) {
            Response response = send(replica.baseUrl(), "POST", "/api/v6/images/text2img", CAT,
                    Map.of("Authorization", "Bearer " + tenant.key()));

            JsonNode error = assertError(response, 502, "upstream_error");
            assertThat(error.get("message").asString()).contains("not charged");
            assertThat(response.header("X-Gateway-Cost-USD")).isEqualTo("0");
        }
        assertThat(upstream.received()).isEmpty();
        assertSettled("upstream_error", "0");
    }

    @Test
    void connectionResetInTheMiddleOfTheAnswerIsAChargedUpstreamUnknown() {
        tenant = newTenant().budget("1.00").create();
        upstream.answer(request -> FakeModelsLab.success(request).truncated());

        Response response = text2img(tenant.key(), CAT);

        JsonNode error = assertError(response, 502, "upstream_error");
        assertThat(error.get("message").asString()).contains("may have").doesNotContain("not charged");
        assertThat(response.header("X-Gateway-Cost-USD")).isEqualTo("0.0047");
        assertSettled("upstream_unknown", "0.0047");
    }

    @Test
    void connectionClosedAfterTheRequestWasSentIsAChargedUpstreamUnknown() {
        tenant = newTenant().budget("1.00").create();
        upstream.answer(request -> Reply.dropped());

        Response response = text2img(tenant.key(), CAT);

        JsonNode error = assertError(response, 502, "upstream_error");
        assertThat(error.get("message").asString()).contains("after the call was sent").contains("charged")
            .doesNotContain("not charged");
        assertThat(response.header("X-Gateway-Cost-USD")).isEqualTo("0.0047");
        assertThat(forwardedCount()).as("sent once, not retried").isEqualTo(1);
        assertSettled("upstream_unknown", "0.0047");
        assertThat(jdbc.sql("SELECT upstream_status IS NULL FROM call_ledger WHERE tenant_id = ?").param(tenant.id())
            .query(Boolean.class).single()).as("no upstream status: ModelsLab never answered").isTrue();
    }

    static Stream<Arguments> modelsLabsErrorsWithAServerErrorStatus() {
        return Stream.of(
                Arguments.of(500, """
                        {"status":"error","message":"Internal Server Error"}"""),
                Arguments.of(503, """
                        {"status":"error","messege":"Service Unavailable"}"""));
    }

    @ParameterizedTest(name = "HTTP {0} with {1}")
    @MethodSource("modelsLabsErrorsWithAServerErrorStatus")
    void modelsLabsOwnErrorWithAServerErrorStatusIsAnUnchargedUpstreamError(int status, String body) {
        tenant = tenant();
        upstream.answer(request -> Reply.json(status, body));

        Response response = text2img(tenant.key(), CAT);

        assertError(response, 502, "upstream_error");
        assertThat(response.body()).doesNotContain(body);
        assertThat(response.header("X-Gateway-Cost-USD")).isEqualTo("0");
        assertSettled("upstream_error", "0");
    }

    static Stream<Arguments> serverErrorsThatAreNotModelsLabsAnswer() {
        return Stream.of(
                Arguments.of(500, "<html><body>Whoops</body></html>"),
                Arguments.of(502, ""),
                Arguments.of(503, "upstream connect error or disconnect/reset before headers"),
                Arguments.of(524, "<!DOCTYPE html><title>modelslab.com | 524: A timeout occurred</title>"));
    }

    @ParameterizedTest(name = "HTTP {0} with {1}")
    @MethodSource("serverErrorsThatAreNotModelsLabsAnswer")
    void aServerErrorAfterTheRequestWasSentIsAChargedUpstreamUnknown(int status, String body) {
        tenant = newTenant().budget("1.00").create();
        upstream.answer(request -> Reply.json(status, body));

        Response response = text2img(tenant.key(), CAT);

        assertError(response, 502, "upstream_error");
        if (!body.isEmpty()) {
            assertThat(response.body()).doesNotContain(body);
        }
        assertThat(response.header("X-Gateway-Cost-USD")).isEqualTo("0.0047");
        assertSettled("upstream_unknown", "0.0047");
        assertThat(jdbc.sql("SELECT upstream_status FROM call_ledger WHERE tenant_id = ?").param(tenant.id())
            .query(Integer.class).single()).isEqualTo(status);
    }

    static Stream<String> garbage() {
        return Stream.of("<!doctype html><title>Cloudflare</title>", "{\"status\":\"success\",\"id\":81443063,\"output\":[\"ht",
                "", "[]", "null", "\"success\"", "Internal error");
    }

    @ParameterizedTest(name = "HTTP 200 with [{0}]")
    @MethodSource("garbage")
    void aSuccessfulStatusWithAnAnswerThatIsNotAJsonObjectIsAChargedUpstreamUnknown(String body) {
        tenant = newTenant().budget("1.00").create();
        upstream.answer(request -> Reply.json(200, body));

        Response response = text2img(tenant.key(), CAT);

        assertError(response, 502, "upstream_error");
        assertThat(response.header("X-Gateway-Cost-USD")).isEqualTo("0.0047");
        assertSettled("upstream_unknown", "0.0047");
    }

    @Test
    void anUnknownStatusIsAChargedUpstreamUnknownThatKeepsModelsLabsId() {
        tenant = newTenant().budget("1.00").create();
        long id = upstream.nextId();
        upstream.answer(request -> Reply.json(200, "{\"status\":\"queued\",\"id\":" + id + "}"));

        Response response = text2img(tenant.key(), CAT);

        JsonNode error = assertError(response, 502, "upstream_error");
        assertThat(error.get("message").asString()).contains("charged").doesNotContain("not charged");
        assertThat(response.header("X-Gateway-Cost-USD")).isEqualTo("0.0047");
        assertSettled("upstream_unknown", "0.0047");
        assertThat(jdbc.sql("SELECT upstream_id FROM call_ledger WHERE tenant_id = ?").param(tenant.id())
            .query(String.class).single()).isEqualTo(String.valueOf(id));
    }

    static Stream<Arguments> answersWhoseTextSoundsLikeARefusal() {
        return Stream.of(
                Arguments.of("success", """
                        {"status":"success","id":%d,"output":["https://example.com/a.png"],\
                        "message":"Rate limit exceeded. Maximum 5 queued requests allowed.","retry_after":30}"""),
                Arguments.of("success", """
                        {"status":"success","id":%d,"output":["https://example.com/a.png"],\
                        "message":"Invalid API key","meta":{"prompt":"a sign saying insufficient credits"}}"""),
                Arguments.of("processing", """
                        {"status":"processing","id":%d,"eta":6,"output":"",\
                        "messege":"Rate limit: 3 queued requests ahead of yours"}"""));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("answersWhoseTextSoundsLikeARefusal")
    void aSuccessOrProcessingAnswerIsChargedWhateverItsMessageSays(String status, String template) {
        tenant = newTenant().budget("1.00").create();
        String body = template.formatted(upstream.nextId());
        upstream.answer(request -> Reply.json(200, body));

        Response response = text2img(tenant.key(), CAT);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(body);
        assertThat(response.header("X-Gateway-Cost-USD")).isEqualTo("0.0047");
        assertSettled(status, "0.0047");
    }

    static Stream<Arguments> modelsLabErrors() {
        return Stream.of(
                Arguments.of(200, """
                        {"status":"error","message":"prompt is required"}"""),
                Arguments.of(200, """
                        {"status":"error","messege":"Model not found: octoflat","tip":"x"}"""),
                Arguments.of(200, """
                        {"status":"failed","message":"Generation failed","id":81443063}"""),
                Arguments.of(400, """
                        {"status":"error","message":"width must be between 256 and 1024"}"""));
    }

    @ParameterizedTest(name = "HTTP {0} with {1}")
    @MethodSource("modelsLabErrors")
    void modelsLabsOwnErrorsPassThroughUncharged(int status, String body) {
        tenant = tenant();
        upstream.answer(request -> Reply.json(status, body));

        Response response = text2img(tenant.key(), CAT);

        assertThat(response.status()).isEqualTo(status);
        assertThat(response.body()).isEqualTo(body);
        assertThat(response.header("X-Gateway-Cost-USD")).isEqualTo("0");
        assertSettled("upstream_rejected", "0");
    }

    @Test
    void aSlowQueuedGenerationIsChargedOnceAndItsFetchIsFree() {
        tenant = newTenant().budget("1.00").create();
        long id = upstream.nextId();
        upstream.answer(request -> request.path().contains("/fetch/") ? FakeModelsLab.success(request)
                : FakeModelsLab.processing(id).delayedBy(800));

        Response queued = text2img(tenant.key(), CAT);
        Response fetched = send("POST", "/api/v6/images/fetch/" + id, "{}", Map.of("Authorization", "Bearer " + tenant.key()));

        assertThat(queued.status()).isEqualTo(200);
        assertThat(queued.json().get("status").asString()).isEqualTo("processing");
        assertThat(queued.json().get("fetch_result").asString()).isEqualTo(baseUrl() + "/api/v6/images/fetch/" + id);
        assertThat(queued.header("X-Gateway-Cost-USD")).isEqualTo("0.0047");
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.json().get("status").asString()).isEqualTo("success");
        assertThat(fetched.header("X-Gateway-Cost-USD")).isEqualTo("0");
        assertThat(upstream.received()).extracting(FakeModelsLab.Received::path)
            .containsExactly("/api/v6/images/text2img", "/api/v6/images/fetch/" + id);
        assertSettled("processing", "0.0047");
    }

    @Test
    void aFetchThatModelsLabFailsIsAnUpstreamErrorAndStillFree() {
        tenant = tenant();
        long id = upstream.nextId();
        upstream.answer(request -> request.path().contains("/fetch/") ? Reply.json(503, "")
                : FakeModelsLab.processing(id));
        text2img(tenant.key(), CAT);

        Response fetched = send("POST", "/api/v6/images/fetch/" + id, "{}", Map.of("Authorization", "Bearer " + tenant.key()));

        assertError(fetched, 502, "upstream_error");
        assertThat(fetched.header("X-Gateway-Cost-USD")).isEqualTo("0");
        assertSettled("processing", "0.0047");
    }

    static Stream<Arguments> sharedKeyRejections() {
        return Stream.of(
                Arguments.of(401, """
                        {"status":"error","message":"Invalid API key"}"""),
                Arguments.of(200, """
                        {"status":"error","message":"Invalid API key"}"""),
                Arguments.of(200, """
                        {"status":"error","messege":"Invalid API key"}"""),
                Arguments.of(402, """
                        {"status":"error","message":"Insufficient credits. Please add more credits to continue."}"""),
                Arguments.of(403, """
                        {"status":"error","message":"This feature is not available on your plan"}"""));
    }

    @ParameterizedTest(name = "HTTP {0} with {1}")
    @MethodSource("sharedKeyRejections")
    void aRejectedSharedKeyIsTheGatewaysProblemNotTheClients(int status, String body) {
        tenant = tenant();
        upstream.answer(request -> Reply.json(status, body));

        Response response = text2img(tenant.key(), CAT);

        JsonNode error = assertError(response, 502, "upstream_error");
        assertThat(error.get("message").asString()).doesNotContainIgnoringCase("invalid api key")
            .doesNotContainIgnoringCase("credits");
        assertNoSecrets(response, List.of(SHARED_KEY, tenant.key()));
        assertSettled("upstream_error", "0");
    }

    static Stream<Arguments> fullQueues() {
        return Stream.of(
                Arguments.of(429, """
                        {"status":"error","message":"Rate limit exceeded. Maximum 5 queued requests allowed.","retry_after":17}""", 17),
                Arguments.of(200, """
                        {"status":"error","messege":"Rate limit exceeded. Maximum 5 queued requests allowed.","retry_after":9}""", 9),
                Arguments.of(429, """
                        {"status":"error","message":"Rate limit exceeded.","retry_after":"12"}""", 12),
                Arguments.of(429, """
                        {"status":"error","message":"Too many requests"}""", 30),
                Arguments.of(429, "slow down", 30));
    }

    @ParameterizedTest(name = "HTTP {0} with {1}")
    @MethodSource("fullQueues")
    void aFullModelsLabQueueIsAnUnchargedUpstreamRateLimit(int status, String body, int retryAfter) {
        tenant = tenant();
        upstream.answer(request -> Reply.json(status, body));

        Response response = text2img(tenant.key(), CAT);

        JsonNode error = assertError(response, 429, "upstream_rate_limited");
        assertThat(error.get("retry_after").asInt()).isEqualTo(retryAfter);
        assertSettled("upstream_rate_limited", "0");
    }

    @Test
    void theSharedKeyIsNeverRelayedEvenWhenModelsLabEchoesIt() {
        tenant = tenant();
        upstream.answer(request -> Reply.json(200, """
                {"status":"success","id":%d,"output":["https://example.com/a.png"],\
                "meta":{"prompt":"a cat","key":"%s","webhook":null}}""".formatted(upstream.nextId(), SHARED_KEY)));

        Response response = text2img(tenant.key(), CAT);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("status").asString()).isEqualTo("success");
        assertNoSecrets(response, List.of(SHARED_KEY));
        assertSettled("success", "0.0047");
    }

    @Test
    void theSharedKeyIsNeverRelayedInAnyOfItsJsonEscapedForms() {
        tenant = tenant();
        String everyCharacterEscaped = escaped(SHARED_KEY, 0, SHARED_KEY.length()).toUpperCase()
            .replace("\\U", "\\u");
        String firstEscaped = escaped(SHARED_KEY, 0, 1);
        String dashesEscaped = SHARED_KEY.replace("-", "\\u002d");
        upstream.answer(request -> Reply.json(200, """
                {"status":"success","id":%d,"output":["https:\\/\\/example.com\\/a.png"],\
                "meta":{"prompt":"a cat","key":"%s","%s":"a name","nested":[{"deeper":["echo: %s!"]}]}}"""
            .formatted(upstream.nextId(), everyCharacterEscaped, firstEscaped, dashesEscaped)));

        Response response = text2img(tenant.key(), CAT);

        assertThat(response.status()).isEqualTo(200);
        assertNoSecrets(response, List.of(SHARED_KEY));
        assertThat(decodedTexts(response.json())).as("every name and value, decoded")
            .isNotEmpty()
            .noneMatch(text -> text.contains(SHARED_KEY));
        assertThat(response.json().at("/meta/key").asString()).isEqualTo("[redacted]");
        assertThat(response.json().at("/meta/[redacted]").asString()).isEqualTo("a name");
        assertThat(response.json().at("/meta/nested/0/deeper/0").asString()).isEqualTo("echo: [redacted]!");
        assertThat(response.json().at("/output/0").asString()).isEqualTo("https://example.com/a.png");
        assertSettled("success", "0.0047");
    }

    /** {@code text} with the characters from {@code from} to {@code to} written as JSON <code>&#92;uXXXX</code> escapes. */
    private static String escaped(String text, int from, int to) {
        StringBuilder out = new StringBuilder(text.substring(0, from));
        text.substring(from, to).chars().forEach(c -> out.append("\\u%04x".formatted(c)));
        return out.append(text.substring(to)).toString();
    }

    private static List<String> decodedTexts(JsonNode node) {
        List<String> texts = new java.util.ArrayList<>();
        if (node.isString() || node.isNumber()) {
            texts.add(node.asString());
        }
        node.properties().forEach(property -> {
            texts.add(property.getKey());
            texts.addAll(decodedTexts(property.getValue()));
        });
        if (node.isArray()) {
            node.values().forEach(value -> texts.addAll(decodedTexts(value)));
        }
        return texts;
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyAfterAnUnchargedUpstreamFailureIsForwardedAgain() {
        tenant = tenant();
        Map<String, String> headers = Map.of("Authorization", "Bearer " + tenant.key(), "Idempotency-Key", "retry-me");
        upstream.answer(request -> Reply.json(429, """
                {"status":"error","message":"Rate limit exceeded. Maximum 5 queued requests allowed.","retry_after":1}"""));
        Response full = send("POST", "/api/v6/images/text2img", CAT, headers);
        upstream.answer(FakeModelsLab::success);

        Response retried = send("POST", "/api/v6/images/text2img", CAT, headers);
        Response replayed = send("POST", "/api/v6/images/text2img", CAT, headers);

        assertError(full, 429, "upstream_rate_limited");
        assertThat(retried.status()).as("the retry the 429 asked for").isEqualTo(200);
        assertThat(retried.header("Idempotent-Replayed")).isNull();
        assertThat(replayed.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replayed.body()).isEqualTo(retried.body());
        assertThat(forwardedCount()).isEqualTo(2);
        assertThat(ledgerRows(tenant.id())).isEqualTo(2);
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo("0.0047");
        assertThat(reservations(tenant.id())).isZero();
    }

    /** One admitted call: one ledger row with this outcome and cost, no reservation left. */
    private void assertSettled(String outcome, String costUsd) {
        assertThat(reservations(tenant.id())).as("reservations left").isZero();
        assertThat(ledgerRows(tenant.id())).as("ledger rows").isEqualTo(1);
        assertThat(ledgerSum(tenant.id())).as("charged").isEqualByComparingTo(costUsd);
        assertThat(jdbc.sql("SELECT outcome FROM call_ledger WHERE tenant_id = ?").param(tenant.id())
            .query(String.class).single()).isEqualTo(outcome);
    }
}
