package com.example.gateway.report;

import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import com.example.gateway.support.Bodies;
import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** A tenant's own usage at {@code /api/v1/usage}. */
class TenantUsageTest extends GatewayIntegrationTest {

    private HandMadeLedger ledger;

    @BeforeEach
    void ledger() {
        ledger = new HandMadeLedger(jdbc);
    }

    @Test
    void showsEachTenantOnlyItsOwnMonthWhateverItAsksFor() {
        TestTenant a = newTenant().budget("5").dailyLimit(1000).create();
        TestTenant b = tenant();
        UUID keyA = ledger.keyOf(a.id());
        UUID keyB = ledger.keyOf(b.id());
        ledger.call(a.id(), keyA, "octoflat", "success", 1, "0.0047", "2061-05-01T00:00:00Z");
        ledger.call(a.id(), keyA, "premium", "success", 2, "0.02", "2061-05-01T23:59:59.999999Z");
        ledger.call(a.id(), keyA, "octoflat", "upstream_error", 1, "0", "2061-05-31T12:00:00Z");
        ledger.call(a.id(), keyA, "octoflat", "success", 1, "0.0047", "2061-06-01T00:00:00Z");
        ledger.call(b.id(), keyB, "flat-call", "success", 4, "0.02", "2061-05-07T00:00:00Z");

        JsonNode forA = usage(a.key(), "?month=2061-05&tenant=" + b.id()).json();
        JsonNode forB = usage(b.key(), "?month=2061-05").json();

        assertThat(forA.get("tenant").asString()).isEqualTo(a.id());
        assertThat(forA.get("month").asString()).isEqualTo("2061-05");
        assertThat(forA.get("spentUsd").asString()).isEqualTo("0.0247");
        assertThat(forA.get("remainingUsd").asString()).isEqualTo("4.9753");
        assertThat(forA.get("monthlyBudgetUsd").asString()).isEqualTo("5");
        assertThat(forA.get("dailyRequestLimit").asInt()).isEqualTo(1000);
        assertThat(forA.get("calls").asLong()).isEqualTo(3);
        assertThat(forA.get("days")).hasSize(2);
        assertThat(forA.get("days").get(0).get("day").asString()).isEqualTo("2061-05-01");
        assertThat(forA.get("days").get(0).get("calls").asLong()).isEqualTo(2);
        assertThat(forA.get("days").get(0).get("costUsd").asString()).isEqualTo("0.0247");
        assertThat(forA.get("days").get(1).get("day").asString()).isEqualTo("2061-05-31");
        assertThat(forA.get("days").get(1).get("costUsd").asString()).isEqualTo("0");
        assertThat(forA.toString()).doesNotContain(b.id());

        assertThat(forB.get("tenant").asString()).isEqualTo(b.id());
        assertThat(forB.get("spentUsd").asString()).isEqualTo("0.02");
        assertThat(forB.get("remainingUsd").isNull()).as("no budget, nothing to run out of").isTrue();
        assertThat(forB.get("days")).hasSize(1);
        assertThat(forB.toString()).doesNotContain(a.id());
    }

    @Test
    void defaultsToTheCurrentMonthAndMatchesWhatTheGatewayCharged() {
        TestTenant tenant = newTenant().budget("1.00").create();
        Response call = text2img(tenant.key(), Bodies.text2img("a cat"));

        JsonNode usage = usage(tenant.key(), "").json();

        assertThat(usage.get("month").asString()).isEqualTo(YearMonth.now(ZoneOffset.UTC).toString());
        assertThat(usage.get("spentUsd").asString()).isEqualTo("0.0047");
        assertThat(usage.get("reservedUsd").asString()).isEqualTo("0");
        assertThat(usage.get("remainingUsd").asString()).isEqualTo(call.header("X-Gateway-Budget-Remaining-USD"))
            .isEqualTo("0.9953");
    }

    @Test
    void refusesTheAdminTokenAMissingKeyAndARevokedKey() {
        TestTenant tenant = tenant();
        String keyId = admin("GET", "/admin/tenants/" + tenant.id() + "/keys", null).json().get(0).get("id").asString();
        admin("DELETE", "/admin/tenants/" + tenant.id() + "/keys/" + keyId, null);

        Response admin = usage(ADMIN_TOKEN, "");
        Response none = send("GET", "/api/v1/usage", null, Map.of());
        Response revoked = usage(tenant.key(), "");

        assertThat(admin.status()).isEqualTo(401);
        assertThat(admin.code()).isEqualTo("invalid_key");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.code()).isEqualTo("invalid_key");
        assertThat(revoked.status()).isEqualTo(401);
    }

    @Test
    void refusesABadMonth() {
        TestTenant tenant = tenant();

        Response response = usage(tenant.key(), "?month=2061-5");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.code()).isEqualTo("invalid_request");
    }

    private Response usage(String bearer, String query) {
        return send("GET", "/api/v1/usage" + query, null, Map.of("Authorization", "Bearer " + bearer));
    }
}
