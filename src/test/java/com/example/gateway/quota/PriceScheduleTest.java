package com.example.gateway.quota;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.example.gateway.support.TestClock;
import com.example.gateway.support.ExtraReplica;
import com.example.gateway.support.FakeModelsLab;
import com.example.gateway.support.GatewayIntegrationTest;
import com.example.gateway.support.TenantBuilder;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prices as data: a price scheduled for a later instant takes effect at exactly that instant on every replica, by each
 * replica's own {@link Clock}, without a restart; a call is priced once, at admission, so one admitted just before
 * settles at the old price; ledger rows and statements name the price each call was charged at.
 */
class PriceScheduleTest extends GatewayIntegrationTest {

    /** Both replicas' "now"; the new price takes effect an hour later, within the same UTC day. */
    private static final Instant START = Instant.parse("2031-05-10T12:00:00Z");
    private static final Instant CHANGE = START.plus(Duration.ofHours(1));

    @Test
    void aScheduledPriceTakesEffectAtItsInstantOnTwoReplicasAndACallAdmittedJustBeforeSettlesAtTheOldPrice()
            throws Exception {
        TestClock clock = new TestClock(START);
        try (ExtraReplica a = replica(clock); ExtraReplica b = replica(clock)) {
            String model = "scheduled-" + UUID.randomUUID().toString().substring(0, 8);
            JsonNode old = post(a, """
                    {"model":"%s","usdPerImage":"0.01","effectiveFrom":"%s"}""".formatted(model, START)).json();
            JsonNode next = post(a, """
                    {"model":"%s","usdPerImage":0.025,"modelsLabUsdPerImage":"0.015","effectiveFrom":"%s"}"""
                .formatted(model, CHANGE)).json();
            assertThat(old.get("effectiveTo").isNull()).isTrue();
            JsonNode listed = send(a.baseUrl(), "GET", "/admin/prices", null,
                    Map.of("Authorization", "Bearer " + ADMIN_TOKEN)).json();
            assertThat(idsOf(listed, model)).containsExactly(old.get("id").asLong(), next.get("id").asLong());
            assertThat(listed.valueStream().filter(p -> p.get("id").asLong() == old.get("id").asLong()).findFirst()
                .orElseThrow().get("effectiveTo").asString()).isEqualTo(CHANGE.toString());
            assertThat(next.get("modelsLabUsdPerImage").asString()).isEqualTo("0.015");
            awaitLoaded(b, model, next.get("id").asLong());
            TestTenant tenant = TenantBuilder.on(a.baseUrl()).budget("10").create();
            String body = """
                    {"model_id":"%s","prompt":"a fox","samples":"2"}""".formatted(model);

            clock.set(CHANGE.minusMillis(1));
            assertThat(cost(a, tenant, body)).isEqualTo("0.02");
            assertThat(cost(b, tenant, body)).isEqualTo("0.02");

            // Admitted a millisecond before the change, answered after it: settled at the price it was admitted at.
            CountDownLatch atModelsLab = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            upstream.answer(request -> {
                atModelsLab.countDown();
                await(release);
                return FakeModelsLab.success(request);
            });
            CompletableFuture<Response> inFlight = CompletableFuture.supplyAsync(() -> send(b.baseUrl(), "POST",
                    "/api/v6/images/text2img", body, Map.of("Authorization", "Bearer " + tenant.key())));
            assertThat(atModelsLab.await(30, TimeUnit.SECONDS)).isTrue();
            clock.set(CHANGE);
            release.countDown();
            assertThat(inFlight.get(60, TimeUnit.SECONDS).header("X-Gateway-Cost-USD")).isEqualTo("0.02");
            upstream.reset();

            assertThat(cost(a, tenant, body)).isEqualTo("0.05");
            assertThat(cost(b, tenant, body)).isEqualTo("0.05");

            List<Map<String, Object>> rows = jdbc.sql("""
                    SELECT price_id, unit_price_usd, cost_usd, expected_modelslab_usd FROM call_ledger
                    WHERE tenant_id = ? ORDER BY created_at, cost_usd""").param(tenant.id()).query().listOfRows();
            assertThat(rows).hasSize(5);
            long oldId = old.get("id").asLong();
            long nextId = next.get("id").asLong();
            for (int i = 0; i < 3; i++) {
                assertThat(rows.get(i).get("price_id")).isEqualTo(oldId);
                assertThat((BigDecimal) rows.get(i).get("unit_price_usd")).isEqualByComparingTo("0.01");
                assertThat((BigDecimal) rows.get(i).get("cost_usd")).isEqualByComparingTo("0.02");
                assertThat((BigDecimal) rows.get(i).get("expected_modelslab_usd")).isEqualByComparingTo("0.02");
            }
            for (int i = 3; i < 5; i++) {
                assertThat(rows.get(i).get("price_id")).isEqualTo(nextId);
                assertThat((BigDecimal) rows.get(i).get("unit_price_usd")).isEqualByComparingTo("0.025");
                assertThat((BigDecimal) rows.get(i).get("cost_usd")).isEqualByComparingTo("0.05");
                assertThat((BigDecimal) rows.get(i).get("expected_modelslab_usd")).isEqualByComparingTo("0.03");
            }

            JsonNode lastCall = send(a.baseUrl(), "GET", "/admin/calls?tenant=" + tenant.id() + "&limit=1", null,
                    Map.of("Authorization", "Bearer " + ADMIN_TOKEN)).json().get("items").get(0);
            assertThat(lastCall.get("priceId").asLong()).isEqualTo(nextId);
            assertThat(lastCall.get("unitPriceUsd").asString()).isEqualTo("0.025");
            assertThat(lastCall.get("expectedModelsLabUsd").asString()).isEqualTo("0.03");

            JsonNode statement = send(a.baseUrl(), "GET", "/admin/tenants/" + tenant.id() + "/statement?month=2031-05",
                    null, Map.of("Authorization", "Bearer " + ADMIN_TOKEN)).json();
            JsonNode lines = statement.get("lines");
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0).get("model").asString()).isEqualTo(model);
            assertThat(lines.get(0).get("unitPriceUsd").asString()).isEqualTo("0.01");
            assertThat(lines.get(0).get("calls").asLong()).isEqualTo(3);
            assertThat(lines.get(0).get("costUsd").asString()).isEqualTo("0.06");
            assertThat(lines.get(1).get("unitPriceUsd").asString()).isEqualTo("0.025");
            assertThat(lines.get(1).get("calls").asLong()).isEqualTo(2);
            assertThat(lines.get(1).get("costUsd").asString()).isEqualTo("0.1");
            assertThat(statement.get("totalUsd").asString()).isEqualTo("0.16");

            JsonNode atOld = send(a.baseUrl(), "GET", "/admin/prices?at=" + CHANGE.minusMillis(1), null,
                    Map.of("Authorization", "Bearer " + ADMIN_TOKEN)).json();
            assertThat(idsOf(atOld, model)).containsExactly(oldId);
            JsonNode now = send(b.baseUrl(), "GET", "/admin/prices", null,
                    Map.of("Authorization", "Bearer " + ADMIN_TOKEN)).json();
            assertThat(idsOf(now, model)).containsExactly(nextId);
        }
    }

    @Test
    void aPriceCannotStartInThePastNorBeDeletedOnceInEffect() {
        TestClock clock = new TestClock(START);
        try (ExtraReplica a = replica(clock)) {
            String model = "validated-" + UUID.randomUUID().toString().substring(0, 8);
            Response past = post(a, """
                    {"model":"%s","usdPerCall":"0.02","effectiveFrom":"%s"}""".formatted(model, START.minusMillis(1)));
            assertThat(past.status()).isEqualTo(400);
            assertThat(past.json().get("code").asString()).isEqualTo("invalid_request");
            assertThat(past.json().get("message").asString()).contains("effectiveFrom");

            Response both = post(a, """
                    {"model":"%s","usdPerCall":"0.02","usdPerImage":"0.01"}""".formatted(model));
            assertThat(both.status()).isEqualTo(400);
            assertThat(both.json().get("message").asString()).contains("usdPerImage").contains("usdPerCall");
            Response tooPrecise = post(a, """
                    {"model":"%s","usdPerCall":"0.000000001"}""".formatted(model));
            assertThat(tooPrecise.status()).isEqualTo(400);
            assertThat(tooPrecise.json().get("message").asString()).contains("usdPerCall");
            Response negative = post(a, """
                    {"model":"%s","usdPerImage":-1}""".formatted(model));
            assertThat(negative.status()).isEqualTo(400);
            assertThat(negative.json().get("message").asString()).contains("usdPerImage");

            long inEffect = post(a, """
                    {"model":"%s","usdPerCall":"0.02"}""".formatted(model)).json().get("id").asLong();
            long scheduled = post(a, """
                    {"model":"%s","usdPerCall":"0.03","effectiveFrom":"%s"}""".formatted(model, CHANGE))
                .json().get("id").asLong();
            Response duplicate = post(a, """
                    {"model":"%s","usdPerCall":"0.04","effectiveFrom":"%s"}""".formatted(model, CHANGE));
            assertThat(duplicate.status()).isEqualTo(409);

            Response deleteInEffect = delete(a, inEffect);
            assertThat(deleteInEffect.status()).isEqualTo(409);
            assertThat(deleteInEffect.json().get("code").asString()).isEqualTo("conflict");
            assertThat(delete(a, scheduled).status()).isEqualTo(204);
            assertThat(delete(a, scheduled).status()).isEqualTo(404);
            assertThat(jdbc.sql("SELECT count(*) FROM price WHERE model_id = ?").param(model).query(Long.class)
                .single()).isEqualTo(1);
        }
    }

    @Test
    void aModelWithoutAPriceInEffectIsNotEnabled() {
        TestClock clock = new TestClock(START);
        try (ExtraReplica a = replica(clock)) {
            String model = "later-" + UUID.randomUUID().toString().substring(0, 8);
            post(a, """
                    {"model":"%s","usdPerCall":"0.02","effectiveFrom":"%s"}""".formatted(model, CHANGE));
            TestTenant tenant = TenantBuilder.on(a.baseUrl()).create();
            String body = """
                    {"model_id":"%s","prompt":"a fox"}""".formatted(model);

            Response before = send(a.baseUrl(), "POST", "/api/v6/images/text2img", body,
                    Map.of("Authorization", "Bearer " + tenant.key()));
            assertThat(before.status()).isEqualTo(400);
            assertThat(before.json().get("code").asString()).isEqualTo("model_not_enabled");
            clock.set(CHANGE);
            assertThat(cost(a, tenant, body)).isEqualTo("0.02");
        }
    }

    private static ExtraReplica replica(Clock clock) {
        return ExtraReplica.with().bean(Clock.class, clock).property("gateway.pricing.refresh-interval", "100ms")
            .start();
    }

    private static Response post(ExtraReplica replica, String body) {
        return send(replica.baseUrl(), "POST", "/admin/prices", body, Map.of("Authorization", "Bearer " + ADMIN_TOKEN));
    }

    private static Response delete(ExtraReplica replica, long id) {
        return send(replica.baseUrl(), "DELETE", "/admin/prices/" + id, null,
                Map.of("Authorization", "Bearer " + ADMIN_TOKEN));
    }

    private static String cost(ExtraReplica replica, TestTenant tenant, String body) {
        Response response = send(replica.baseUrl(), "POST", "/api/v6/images/text2img", body,
                Map.of("Authorization", "Bearer " + tenant.key()));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.header("X-Gateway-Cost-USD");
    }

    /** The other replica reads the table on its own schedule; wait until it holds the scheduled price. */
    private static void awaitLoaded(ExtraReplica replica, String model, long priceId) throws InterruptedException {
        PriceList prices = replica.context().getBean(PriceList.class);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (prices.quote(model, 1, CHANGE).map(PriceQuote::priceId).filter(id -> id == priceId).isEmpty()) {
            assertThat(System.nanoTime()).as("price loaded within 30 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static List<Long> idsOf(JsonNode prices, String model) {
        return prices.valueStream().filter(p -> p.get("model").asString().equals(model))
            .map(p -> p.get("id").asLong()).toList();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
