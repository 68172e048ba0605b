package com.example.gateway.tenant;

import java.util.Map;

import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

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
}
