package com.example.gateway.proxy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.example.gateway.modelslab.UpstreamResult;
import com.example.gateway.modelslab.UpstreamResult.Failure;
import com.example.gateway.quota.CallOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The charging rule, row by row: for each upstream result (a transport failure, or an HTTP status with a body), the
 * ledger outcome, whether it is charged, and what the client gets (ModelsLab's answer passed on, or the gateway's
 * error with this status and code). Charged when ModelsLab may have done the work; not when it certainly did not.
 */
class ChargingRuleTest {

    static final String KEY = "shared-key-for-the-rule-table";
    private static final String PASSED_ON = null;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final UpstreamAnswers answers = answers();

    static UpstreamAnswers answers() {
        JsonBodies json = new JsonBodies(new ProxyProperties(null, DataSize.ofKilobytes(64)));
        return new UpstreamAnswers(json, new SharedKeyRedaction(json), new RelayTokenRedaction(json));
    }

    static Stream<Arguments> table() {
        return Stream.of(
                // transport failures: was the request completely written?
                row(Failure.NOT_SENT, "upstream_error", false, 502, "upstream_error"),
                row(Failure.TIMEOUT, "upstream_timeout", true, 504, "upstream_timeout"),
                row(Failure.BROKEN, "upstream_unknown", true, 502, "upstream_error"),
                // ModelsLab's yes: charged, passed on, whatever its text says
                row(200, SUCCESS, "success", true, 200, PASSED_ON),
                row(200, PROCESSING, "processing", true, 200, PASSED_ON),
                row(201, SUCCESS, "success", true, 201, PASSED_ON),
                row(200, """
                        {"status":"success","id":7,"output":["https://x/a.png"],\
                        "message":"Rate limit exceeded. Maximum 5 queued requests allowed.","retry_after":30}""",
                        "success", true, 200, PASSED_ON),
                row(200, """
                        {"status":"processing","id":7,"eta":6,\
                        "messege":"Rate limit: 3 queued requests ahead of yours"}""",
                        "processing", true, 200, PASSED_ON),
                row(200, """
                        {"status":"success","id":7,"output":["https://x/a.png"],"message":"Invalid API key? Never.",\
                        "meta":{"prompt":"a sign saying insufficient credits"}}""",
                        "success", true, 200, PASSED_ON),
                // ModelsLab's no to the client's request: passed on, not charged
                row(200, "{\"status\":\"error\",\"message\":\"prompt is required\"}", "upstream_rejected", false, 200,
                        PASSED_ON),
                row(200, "{\"status\":\"failed\",\"message\":\"Generation failed\",\"id\":7}", "upstream_rejected", false,
                        200, PASSED_ON),
                row(400, "{\"status\":\"error\",\"message\":\"width must be between 256 and 1024\"}",
                        "upstream_rejected", false, 400, PASSED_ON),
                row(422, "{\"message\":\"The given data was invalid.\"}", "upstream_rejected", false, 422, PASSED_ON),
                // a full queue: not charged, the client may retry
                row(429, "{\"status\":\"error\",\"message\":\"Rate limit exceeded.\",\"retry_after\":17}",
                        "upstream_rate_limited", false, 429, "upstream_rate_limited"),
                row(429, "slow down", "upstream_rate_limited", false, 429, "upstream_rate_limited"),
                row(200, "{\"status\":\"error\",\"messege\":\"Maximum 5 queued requests allowed.\"}",
                        "upstream_rate_limited", false, 429, "upstream_rate_limited"),
                row(503, "{\"message\":\"Rate limit exceeded, try again later\"}", "upstream_rate_limited", false, 429,
                        "upstream_rate_limited"),
                // the gateway's account refused: not charged, and no word of which key
                row(401, "{\"status\":\"error\",\"message\":\"Invalid API key\"}", "upstream_error", false, 502,
                        "upstream_error"),
                row(200, "{\"status\":\"error\",\"message\":\"Invalid API key\"}", "upstream_error", false, 502,
                        "upstream_error"),
                row(402, "{\"status\":\"error\",\"message\":\"Insufficient credits. Please add more credits.\"}",
                        "upstream_error", false, 502, "upstream_error"),
                row(403, "<html>Forbidden</html>", "upstream_error", false, 502, "upstream_error"),
                // refusals the client cannot be shown: not charged
                row(500, "{\"status\":\"error\",\"message\":\"Internal Server Error\"}", "upstream_error", false, 502,
                        "upstream_error"),
                row(503, "{\"status\":\"error\",\"messege\":\"Service Unavailable\"}", "upstream_error", false, 502,
                        "upstream_error"),
                row(502, "{\"status\":\"failed\",\"message\":\"Generation failed\"}", "upstream_error", false, 502,
                        "upstream_error"),
                row(404, "<html>Not Found</html>", "upstream_error", false, 502, "upstream_error"),
                row(301, "", "upstream_error", false, 502, "upstream_error"),
                // sent, and the answer says neither yes nor no: charged, for finance to reconcile
                row(500, "<html><body>Whoops</body></html>", "upstream_unknown", true, 502, "upstream_error"),
                row(502, "", "upstream_unknown", true, 502, "upstream_error"),
                row(503, "upstream connect error or disconnect/reset before headers", "upstream_unknown", true, 502,
                        "upstream_error"),
                row(524, "<!doctype html><title>A timeout occurred | Cloudflare</title>", "upstream_unknown", true, 502,
                        "upstream_error"),
                row(500, SUCCESS, "upstream_unknown", true, 502, "upstream_error"),
                row(504, "{\"status\":\"processing\",\"id\":7}", "upstream_unknown", true, 502, "upstream_error"),
                row(200, "{\"status\":\"queued\",\"id\":7}", "upstream_unknown", true, 502, "upstream_error"),
                row(200, "{\"status\":\"Success\",\"id\":7}", "upstream_unknown", true, 502, "upstream_error"),
                row(200, "{\"id\":7,\"output\":[\"https://x/a.png\"]}", "upstream_unknown", true, 502, "upstream_error"),
                row(200, "{\"status\":null}", "upstream_unknown", true, 502, "upstream_error"),
                row(200, "{\"status\":\"success\",\"id\":7,\"output\":[\"ht", "upstream_unknown", true, 502,
                        "upstream_error"),
                row(200, "<!doctype html><title>Cloudflare</title>", "upstream_unknown", true, 502, "upstream_error"),
                row(200, "", "upstream_unknown", true, 502, "upstream_error"),
                row(200, "[]", "upstream_unknown", true, 502, "upstream_error"),
                row(200, "\"success\"", "upstream_unknown", true, 502, "upstream_error"));
    }

    private static final String SUCCESS = """
            {"status":"success","generationTime":0.65,"id":81443063,"output":["https://pub.r2.dev/g/1-0.png"],\
            "meta":{"prompt":"cat"}}""";
    private static final String PROCESSING = """
            {"status":"processing","eta":6,"messege":"Try to fetch request after seconds estimated","id":65704373,\
            "output":"","future_links":["https://pub.r2.dev/g/2.png"],"meta":{}}""";

    @ParameterizedTest(name = "{0} -> {1}, charged {2}, client {3} {4}")
    @MethodSource("table")
    void everyUpstreamResultHasOneOutcomeAndOneCharge(Case upstream, String outcome, boolean charged, int clientStatus,
            String code) {
        ClientAnswer answer = answers.answer(upstream.result(), "11111111-1111-1111-1111-111111111111",
                URI.create("https://gateway.example"), KEY);

        assertThat(answer.outcome().dbValue()).isEqualTo(outcome);
        assertThat(answer.outcome().charged()).isEqualTo(charged);
        assertThat(answer.status()).isEqualTo(clientStatus);
        assertThat(answer.upstreamStatus()).isEqualTo(upstream.status());
        String body = new String(answer.body(), StandardCharsets.UTF_8);
        if (code == PASSED_ON) {
            assertThat(body).as("ModelsLab's answer, as it came").isEqualTo(upstream.body());
            return;
        }
        JsonNode error = JSON.readTree(body);
        assertThat(error.get("status").asString()).isEqualTo("error");
        assertThat(error.get("code").asString()).isEqualTo(code);
        String message = error.get("message").asString();
        if (charged) {
            assertThat(message).as("a charged call is said to be charged").contains("charged")
                .doesNotContain("not charged");
        }
        assertThat(answer.retryAfter() != null).isEqualTo(clientStatus == 429);
    }

    @Test
    void theTableHasARowForEveryVerdictAndEveryOutcomeOfAnExchange() {
        JsonBodies json = new JsonBodies(new ProxyProperties(null, DataSize.ofKilobytes(64)));
        Set<UpstreamVerdict> verdicts = table().map(row -> (Case) row.get()[0])
            .map(upstream -> UpstreamVerdict.of(upstream.result(),
                    upstream.body() == null ? null : json.parseAnswer(upstream.body().getBytes(StandardCharsets.UTF_8))))
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(UpstreamVerdict.class)));
        Set<CallOutcome> outcomes = table().map(row -> CallOutcome.valueOf(((String) row.get()[1]).toUpperCase()))
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(CallOutcome.class)));

        assertThat(verdicts).containsExactlyInAnyOrder(UpstreamVerdict.values());
        assertThat(outcomes).as("every outcome but the sweeper's").containsExactlyInAnyOrderElementsOf(
                Arrays.stream(CallOutcome.values()).filter(outcome -> outcome != CallOutcome.ABANDONED).toList());
    }

    @Test
    void anUnknownStatusKeepsModelsLabsIdForReconciliation() {
        ClientAnswer answer = answers.answer(answered(200, "{\"status\":\"queued\",\"id\":81443063}").result(),
                "11111111-1111-1111-1111-111111111111", URI.create("https://gateway.example"), KEY);

        assertThat(answer.outcome()).isEqualTo(CallOutcome.UPSTREAM_UNKNOWN);
        assertThat(answer.upstreamId()).isEqualTo("81443063");
    }

    @Test
    void aQueueFullAnswerTellsTheClientWhenToRetry() {
        ClientAnswer answer = answers.answer(answered(429,
                "{\"status\":\"error\",\"message\":\"Rate limit exceeded.\",\"retry_after\":17}").result(),
                "11111111-1111-1111-1111-111111111111", URI.create("https://gateway.example"), KEY);

        assertThat(answer.retryAfter()).isEqualTo(Duration.ofSeconds(17));
    }

    private static Arguments row(Failure failure, String outcome, boolean charged, int clientStatus, String code) {
        return arguments(new Case(null, null, failure), outcome, charged, clientStatus, code);
    }

    private static Arguments row(int status, String body, String outcome, boolean charged, int clientStatus,
            String code) {
        return arguments(answered(status, body), outcome, charged, clientStatus, code);
    }

    private static Case answered(int status, String body) {
        return new Case(status, body, null);
    }

    /** One upstream result: an answer (HTTP status and body) or a transport failure. */
    record Case(Integer status, String body, Failure failure) {

        UpstreamResult result() {
            return failure != null ? new UpstreamResult.Failed(failure, "test", Duration.ofMillis(5))
                    : new UpstreamResult.Answered(status, body.getBytes(StandardCharsets.UTF_8), Duration.ofMillis(5));
        }

        @Override
        public String toString() {
            if (failure != null) {
                return "failure " + failure;
            }
            String shown = body.length() > 60 ? body.substring(0, 60) + "..." : body;
            return "HTTP " + status + " [" + shown + "]";
        }
    }
}
