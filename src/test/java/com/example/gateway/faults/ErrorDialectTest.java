package com.example.gateway.faults;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.example.gateway.localdb.LocalPostgres;
import com.example.gateway.support.Bodies;
import com.example.gateway.support.FakeModelsLab;
import com.example.gateway.support.FakeModelsLab.Reply;
import com.example.gateway.support.GatewayIntegrationTest;
import com.example.gateway.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static com.example.gateway.faults.ErrorDialect.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every error code of the contract, once at least, in the dialect, with its real HTTP status; for each refusal, that
 * nothing reached ModelsLab and nothing was charged.
 */
@ExtendWith(OutputCaptureExtension.class)
class ErrorDialectTest extends GatewayIntegrationTest {

    private static final String CAT = Bodies.text2img("a cat");

    @Test
    void invalidRequestNamesTheField() {
        TestTenant tenant = tenant();

        Response response = text2img(tenant.key(), """
                {"prompt":"a cat","width":300}""");

        JsonNode body = assertError(response, 400, "invalid_request");
        assertThat(body.get("message").asString()).contains("'width'");
        assertNothingForwardedOrCharged(tenant);
    }

    @Test
    void modelNotEnabled() {
        TestTenant tenant = tenant();

        Response response = text2img(tenant.key(), """
                {"prompt":"a cat","model_id":"sdxl-unpriced"}""");

        assertError(response, 400, "model_not_enabled");
        assertNothingForwardedOrCharged(tenant);
    }

    @Test
    void invalidKey() {
        Response response = text2img("mlg_not-a-key-of-anyone", CAT);

        assertError(response, 401, "invalid_key");
        assertThat(upstream.received()).isEmpty();
    }

    @Test
    void budgetExhaustedAfterTheOneCallTheBudgetCovers() {
        TestTenant tenant = newTenant().budget("0.0047").create();

        Response first = text2img(tenant.key(), CAT);
        Response second = text2img(tenant.key(), CAT);

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("X-Gateway-Budget-Remaining-USD")).isEqualTo("0");
        assertError(second, 402, "budget_exhausted");
        assertThat(forwardedCount()).isEqualTo(1);
        assertCharged(tenant, 1, "0.0047");
    }

    @Test
    void tenantSuspended() {
        TestTenant tenant = tenant();
        admin("PATCH", "/admin/tenants/" + tenant.id(), """
                {"suspended":true}""");

        Response response = text2img(tenant.key(), CAT);

        assertError(response, 403, "tenant_suspended");
        assertNothingForwardedOrCharged(tenant);
    }

    @Test
    void notFoundForAGenerationTheTenantNeverMade() {
        TestTenant tenant = tenant();

        Response response = send("POST", "/api/v6/images/fetch/424242", "{}", bearer(tenant));

        assertError(response, 404, "not_found");
        assertNothingForwardedOrCharged(tenant);
    }

    @Test
    void payloadTooLargeComesBeforeEverythingElse() {
        Response response = text2img("mlg_not-a-key-of-anyone", Bodies.text2img("a".repeat(70_000)));

        assertError(response, 413, "payload_too_large");
        assertThat(upstream.received()).isEmpty();
    }

    @Test
    void idempotentReplayIsNeitherForwardedNorChargedAgain() {
        TestTenant tenant = tenant();
        Map<String, String> headers = Map.of("Authorization", "Bearer " + tenant.key(), "Idempotency-Key", "order-1");

        Response first = send("POST", "/api/v6/images/text2img", CAT, headers);
        Response replay = send("POST", "/api/v6/images/text2img", CAT, headers);

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.body()).isEqualTo(first.body());
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replay.header("X-Gateway-Cost-USD")).isEqualTo("0");
        assertThat(replay.headers().get("x-request-id")).as("one request id, the first call's")
            .containsExactly(first.header("X-Request-Id"));
        assertThat(forwardedCount()).isEqualTo(1);
        assertCharged(tenant, 1, "0.0047");
    }

    @Test
    void idempotencyInProgressWhileTheFirstCallIsInFlight() {
        TestTenant tenant = tenant();
        upstream.answer(request -> FakeModelsLab.success(request).delayedBy(1200));
        Map<String, String> headers = Map.of("Authorization", "Bearer " + tenant.key(), "Idempotency-Key", "order-2");

        CompletableFuture<Response> first = async(() -> send("POST", "/api/v6/images/text2img", CAT, headers));
        awaitForwarded(1);
        Response second = send("POST", "/api/v6/images/text2img", CAT, headers);

        assertError(second, 409, "idempotency_in_progress");
        assertThat(first.join().status()).isEqualTo(200);
        assertThat(forwardedCount()).isEqualTo(1);
        assertCharged(tenant, 1, "0.0047");
    }

    @Test
    void idempotencyKeyReusedWithAnotherBody() {
        TestTenant tenant = tenant();
        Map<String, String> headers = Map.of("Authorization", "Bearer " + tenant.key(), "Idempotency-Key", "order-3");

        Response first = send("POST", "/api/v6/images/text2img", CAT, headers);
        Response other = send("POST", "/api/v6/images/text2img", Bodies.text2img("a dog"), headers);

        assertThat(first.status()).isEqualTo(200);
        assertError(other, 422, "idempotency_key_reused");
        assertThat(forwardedCount()).isEqualTo(1);
        assertCharged(tenant, 1, "0.0047");
    }

    @Test
    void dailyLimit() {
        TestTenant tenant = newTenant().dailyLimit(1).create();

        Response first = text2img(tenant.key(), CAT);
        Response second = text2img(tenant.key(), CAT);

        assertThat(first.status()).isEqualTo(200);
        JsonNode body = assertError(second, 429, "daily_limit");
        assertThat(body.get("retry_after").asLong()).isLessThanOrEqualTo(Duration.ofDays(1).toSeconds());
        assertThat(forwardedCount()).isEqualTo(1);
        assertCharged(tenant, 1, "0.0047");
    }

    @Test
    void rateLimitedPerMinute() {
        awayFromTheEndOfAMinute();
        TestTenant tenant = newTenant().perMinute(2).create();

        Response first = text2img(tenant.key(), CAT);
        Response second = text2img(tenant.key(), CAT);
        Response third = text2img(tenant.key(), CAT);

        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(200);
        JsonNode body = assertError(third, 429, "rate_limited");
        assertThat(body.get("retry_after").asLong()).isBetween(1L, 60L);
        assertThat(forwardedCount()).isEqualTo(2);
        assertCharged(tenant, 2, "0.0094");
    }

    @Test
    void tooManyConcurrent() {
        TestTenant tenant = newTenant().maxConcurrent(1).create();
        upstream.answer(request -> FakeModelsLab.success(request).delayedBy(1000));

        CompletableFuture<Response> first = async(() -> text2img(tenant.key(), CAT));
        awaitForwarded(1);
        Response second = text2img(tenant.key(), CAT);

        assertError(second, 429, "too_many_concurrent");
        assertThat(first.join().status()).isEqualTo(200);
        assertThat(forwardedCount()).isEqualTo(1);
        assertCharged(tenant, 1, "0.0047");
    }

    @Test
    void upstreamRateLimited() {
        TestTenant tenant = tenant();
        upstream.answer(request -> Reply.json(429, """
                {"status":"error","message":"Rate limit exceeded. Maximum 5 queued requests allowed.","retry_after":12}"""));

        Response response = text2img(tenant.key(), CAT);

        JsonNode body = assertError(response, 429, "upstream_rate_limited");
        assertThat(body.get("retry_after").asLong()).isEqualTo(12);
        assertCharged(tenant, 1, "0");
    }

    @Test
    void upstreamError() {
        TestTenant tenant = tenant();
        upstream.answer(request -> Reply.json(500, """
                {"status":"error","message":"Internal Server Error"}"""));

        Response response = text2img(tenant.key(), CAT);

        assertError(response, 502, "upstream_error");
        assertCharged(tenant, 1, "0");
    }

    @Test
    void upstreamTimeoutIsChargedBecauseModelsLabMayHaveDoneTheWork() {
        TestTenant tenant = tenant();
        upstream.answer(request -> FakeModelsLab.success(request).delayedBy(2500));

        Response response = text2img(tenant.key(), CAT);

        assertError(response, 504, "upstream_timeout");
        assertCharged(tenant, 1, "0.0047");
    }

    @Test
    void unavailableWhileTheDatabaseIsDown(CapturedOutput output) {
        LocalPostgres database = TestDatabase.get().localPostgres();
        assumeTrue(database != null, "only a local cluster can be stopped and restarted by the test");
        TestTenant tenant = tenant();

        database.kill();
        Response response;
        try {
            response = text2img(tenant.key(), CAT);
        }
        finally {
            database.restart();
        }

        assertError(response, 503, "unavailable");
        assertThat(upstream.received()).isEmpty();
        awaitDatabase();
        assertNothingForwardedOrCharged(tenant);
        assertThat(output.getAll()).doesNotContain(SHARED_KEY).doesNotContain(tenant.key());
    }

    private void assertNothingForwardedOrCharged(TestTenant tenant) {
        assertThat(upstream.received()).isEmpty();
        assertThat(ledgerRows(tenant.id())).isZero();
        assertThat(reservations(tenant.id())).isZero();
    }

    private void assertCharged(TestTenant tenant, int rows, String usd) {
        assertThat(ledgerRows(tenant.id())).as("ledger rows").isEqualTo(rows);
        assertThat(ledgerSum(tenant.id())).as("ledger sum").isEqualByComparingTo(usd);
        assertThat(reservations(tenant.id())).as("reservations left").isZero();
    }

    private static Map<String, String> bearer(TestTenant tenant) {
        return Map.of("Authorization", "Bearer " + tenant.key());
    }

    private static <T> CompletableFuture<T> async(Supplier<T> call) {
        return CompletableFuture.supplyAsync(call, runnable -> Thread.ofVirtual().start(runnable));
    }

    private void awaitForwarded(int count) {
        await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10)).until(() -> forwardedCount() >= count);
    }

    private void awaitDatabase() {
        await().atMost(30, TimeUnit.SECONDS).until(() -> admin("GET", "/admin/tenants", null).status() == 200);
    }

    /** Three calls must fall in one UTC minute for the per-minute limit to bite. */
    private static void awayFromTheEndOfAMinute() {
        LocalTime now = LocalTime.now(ZoneOffset.UTC);
        if (now.getSecond() > 50) {
            try {
                Thread.sleep(Duration.ofSeconds(61 - now.getSecond()));
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
        }
    }
}
