package com.example.gateway.tenant;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.example.gateway.support.FakeModelsLab;

import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TenantAdminTest extends GatewayIntegrationTest {

    @Test
    void createsATenantKeepingMoneyExactAndShowsThisMonthsConsumption() {
        Response created = admin("POST", "/admin/tenants", """
                {"id":"acme-1","name":"Acme","monthlyBudgetUsd":"12.3456","dailyRequestLimit":100,\
                "requestsPerMinute":60,"maxConcurrent":4}""");
        String key = newKey("acme-1");
        text2img(key, """
                {"prompt":"a cat","samples":2}""");

        Response shown = admin("GET", "/admin/tenants/acme-1", null);

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body()).contains("\"monthlyBudgetUsd\":12.3456");
        JsonNode tenant = shown.json();
        assertThat(tenant.get("spentUsd").decimalValue()).isEqualByComparingTo("0.0094");
        assertThat(tenant.get("reservedUsd").decimalValue()).isEqualByComparingTo("0");
        assertThat(tenant.get("remainingUsd").decimalValue()).isEqualByComparingTo("12.3362");
        assertThat(tenant.get("callsToday").asInt()).isEqualTo(1);
        assertThat(tenant.get("maxConcurrent").asInt()).isEqualTo(4);
    }

    @Test
    void refusesInvalidTenantsInTheErrorDialect() {
        admin("POST", "/admin/tenants", """
                {"id":"dup-1","name":"Dup"}""");

        assertThat(admin("POST", "/admin/tenants", """
                {"id":"dup-1","name":"Dup"}""").status()).isEqualTo(409);
        for (String body : new String[] {
                """
                {"id":"Bad_Id","name":"x"}""",
                """
                {"id":"","name":"x"}""",
                """
                {"id":"%s","name":"x"}""".formatted("a".repeat(65)),
                """
                {"id":"neg","name":"x","monthlyBudgetUsd":-1}""",
                """
                {"id":"nan","name":"x","monthlyBudgetUsd":"ten"}""",
                """
                {"id":"nolimit","name":"x","maxConcurrent":-2}""",
                "not json" }) {
            Response refused = admin("POST", "/admin/tenants", body);
            assertThat(refused.status()).as(body).isEqualTo(400);
            assertThat(refused.code()).as(body).isEqualTo("invalid_request");
            assertThat(refused.json().get("status").asString()).isEqualTo("error");
            assertThat(refused.json().get("request_id").asString()).isNotBlank();
            assertThat(refused.body()).doesNotContain("Exception");
        }
    }

    @Test
    void issuesKeysShownOnceAndStoredOnlyAsHashes() {
        TestTenant tenant = tenant();

        Response created = admin("POST", "/admin/tenants/" + tenant.id() + "/keys", """
                {"name":"backend"}""");
        Response listed = admin("GET", "/admin/tenants/" + tenant.id() + "/keys", null);

        JsonNode key = created.json();
        assertThat(created.status()).isEqualTo(201);
        assertThat(key.get("key").asString()).startsWith("mlg_").hasSizeGreaterThan(40);
        assertThat(key.get("prefix").asString()).isEqualTo(key.get("key").asString().substring(0, 12));
        assertThat(key.get("id").asString()).isNotBlank();
        assertThat(key.get("createdAt").asString()).isNotBlank();
        assertThat(listed.body()).doesNotContain(key.get("key").asString());
        assertThat(jdbc.sql("SELECT count(*) FROM api_key WHERE encode(key_hash, 'escape') LIKE ?")
            .param("%" + key.get("key").asString() + "%").query(Long.class).single()).isZero();
    }

    @Test
    void patchesLimitsAndSuspension() {
        TestTenant tenant = newTenant().budget("1").create();

        Response patched = admin("PATCH", "/admin/tenants/" + tenant.id(), """
                {"monthlyBudgetUsd":"2.50","dailyRequestLimit":10,"suspended":true}""");
        Response resumed = admin("PATCH", "/admin/tenants/" + tenant.id(), """
                {"suspended":false,"dailyRequestLimit":null}""");
        Response invalid = admin("PATCH", "/admin/tenants/" + tenant.id(), """
                {"maxConcurrent":"many"}""");

        assertThat(patched.json().get("monthlyBudgetUsd").decimalValue()).isEqualByComparingTo("2.5");
        assertThat(patched.json().get("suspended").asBoolean()).isTrue();
        assertThat(resumed.json().get("suspended").asBoolean()).isFalse();
        assertThat(resumed.json().get("dailyRequestLimit").isNull()).isTrue();
        assertThat(invalid.status()).isEqualTo(400);
    }

    @Test
    void refusesAdminCallsWithoutTheAdminToken() {
        TestTenant tenant = tenant();

        Response none = send("GET", "/admin/tenants/" + tenant.id(), null, Map.of());
        Response tenantKey = send("GET", "/admin/tenants/" + tenant.id(), null,
                Map.of("Authorization", "Bearer " + tenant.key()));
        Response unknown = admin("GET", "/admin/tenants/no-such-tenant", null);

        assertThat(none.status()).isEqualTo(401);
        assertThat(none.code()).isEqualTo("invalid_key");
        assertThat(tenantKey.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(404);
    }

    @Test
    void refusesAnAmountBeyondTheColumnOnCreateAndOnChangeNamingTheFieldAndChangingNothing() {
        TestTenant tenant = newTenant().budget("3.00").create();

        Response created = admin("POST", "/admin/tenants", "{\"id\":\"huge-1\",\"name\":\"Huge\",\"monthlyBudgetUsd\":\"1e11\"}");
        Response patched = admin("PATCH", "/admin/tenants/" + tenant.id(),
                "{\"suspended\":true,\"monthlyBudgetUsd\":\"1e11\"}");

        for (Response refused : List.of(created, patched)) {
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.code()).isEqualTo("invalid_request");
            assertThat(refused.json().get("message").asString()).isEqualTo(
                    "Invalid field 'monthlyBudgetUsd' numeric value out of bounds (<10 digits>.<8 digits> expected).");
        }
        assertThat(admin("GET", "/admin/tenants/huge-1", null).status()).isEqualTo(404);
        JsonNode unchanged = admin("GET", "/admin/tenants/" + tenant.id(), null).json();
        assertThat(unchanged.get("monthlyBudgetUsd").decimalValue()).isEqualByComparingTo("3.00");
        assertThat(unchanged.get("suspended").asBoolean()).isFalse();
    }

    @Test
    void refusesWebhooksThatReachTheCloudMetadataEndpointOrAreNotPlainHttp() {
        TestTenant tenant = tenant();

        for (String url : List.of("http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "ftp://10.0.0.1/",
                "http://admin:secret@127.0.0.1/hook")) {
            Response refused = admin("PATCH", "/admin/tenants/" + tenant.id(), "{\"alertWebhookUrl\":\"" + url + "\"}");
            assertThat(refused.status()).as(url).isEqualTo(400);
            assertThat(refused.json().get("message").asString()).as(url).startsWith("Invalid field 'alertWebhookUrl' ");
        }
        assertThat(admin("GET", "/admin/tenants/" + tenant.id(), null).json().get("alertWebhookUrl").isNull()).isTrue();
    }

    @Test
    void twoChangesToOneTenantAtTheSameTimeBothApply() throws Exception {
        for (int round = 0; round < 20; round++) {
            TestTenant tenant = newTenant().budget("5.00").create();
            String path = "/admin/tenants/" + tenant.id();
            CountDownLatch start = new CountDownLatch(1);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<Response> suspend = pool.submit(() -> {
                    start.await();
                    return admin("PATCH", path, "{\"suspended\":true}");
                });
                Future<Response> budget = pool.submit(() -> {
                    start.await();
                    return admin("PATCH", path, "{\"monthlyBudgetUsd\":\"21.00\"}");
                });
                start.countDown();
                assertThat(suspend.get().status()).isEqualTo(200);
                assertThat(budget.get().status()).isEqualTo(200);
            }

            JsonNode after = admin("GET", path, null).json();
            assertThat(after.get("suspended").asBoolean()).as("round %d", round).isTrue();
            assertThat(after.get("monthlyBudgetUsd").decimalValue()).as("round %d", round).isEqualByComparingTo("21.00");
        }
    }

    @Test
    void createsOfOneIdAtTheSameTimeAnswerOneCreatedAndTheRestConflict() throws Exception {
        for (int round = 0; round < 5; round++) {
            String id = "race-" + round + "-" + System.nanoTime();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> creates = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 6; i++) {
                    String budget = "1." + i;
                    creates.add(pool.submit(() -> {
                        start.await();
                        return admin("POST", "/admin/tenants",
                                "{\"id\":\"" + id + "\",\"name\":\"Race\",\"monthlyBudgetUsd\":\"" + budget + "\"}");
                    }));
                }
                start.countDown();
            }

            List<Integer> statuses = new ArrayList<>();
            BigDecimal createdBudget = null;
            for (Future<Response> create : creates) {
                statuses.add(create.get().status());
                if (create.get().status() == 201) {
                    createdBudget = create.get().json().get("monthlyBudgetUsd").decimalValue();
                }
                else {
                    assertThat(create.get().code()).isEqualTo("conflict");
                }
            }
            assertThat(statuses).as("round %d", round).containsOnly(201, 409).containsOnlyOnce(201);
            // The one created is the one stored: no later create merged over it.
            assertThat(admin("GET", "/admin/tenants/" + id, null).json().get("monthlyBudgetUsd").decimalValue())
                .isEqualByComparingTo(createdBudget);
        }
    }

    @Test
    void aBudgetLoweredBelowWhatIsSpentAndReservedRefusesNewCallsAndSettlesThoseInFlightExactly() throws Exception {
        TestTenant tenant = newTenant().budget("1.00").create();
        assertThat(text2img(tenant.key(), "{\"prompt\":\"a cat\"}").status()).isEqualTo(200);
        upstream.answer(request -> FakeModelsLab.success(request).delayedBy(1200));

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Response> first = pool.submit(() -> text2img(tenant.key(), "{\"prompt\":\"a cat\",\"samples\":2}"));
            Future<Response> second = pool.submit(() -> text2img(tenant.key(), "{\"prompt\":\"a dog\"}"));
            await().atMost(10, TimeUnit.SECONDS).until(() -> reservations(tenant.id()) == 2);

            // Spent 0.0047 and reserved 0.0141: a budget of 0.01 is already overshot by what is in flight.
            Response lowered = admin("PATCH", "/admin/tenants/" + tenant.id(), "{\"monthlyBudgetUsd\":\"0.01\"}");
            Response refused = text2img(tenant.key(), "{\"prompt\":\"a bird\"}");

            assertThat(lowered.status()).isEqualTo(200);
            assertThat(lowered.json().get("reservedUsd").decimalValue()).isEqualByComparingTo("0.0141");
            assertThat(refused.status()).isEqualTo(402);
            assertThat(refused.code()).isEqualTo("budget_exhausted");
            assertThat(first.get().status()).isEqualTo(200);
            assertThat(second.get().status()).isEqualTo(200);
        }

        JsonNode after = admin("GET", "/admin/tenants/" + tenant.id(), null).json();
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo("0.0188");
        assertThat(after.get("spentUsd").decimalValue()).isEqualByComparingTo("0.0188");
        assertThat(after.get("reservedUsd").decimalValue()).isEqualByComparingTo("0");
        assertThat(after.get("remainingUsd").decimalValue()).isEqualByComparingTo("-0.0088");
        assertThat(forwardedCount()).isEqualTo(3);
    }
}
