package com.example.gateway.proxy;

import java.util.Map;

import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A call's project, tags and track_id end up on its ledger row; invalid ones are refused before anything happens. */
class AttributionTest extends GatewayIntegrationTest {

    @Test
    void projectTagsAndTrackIdAreRecordedOnTheCallsRowAndTheHeadersNeverGoUpstream() {
        TestTenant tenant = tenant();
        upstream.reset();

        Response answer = send("POST", "/api/v6/images/text2img", """
                {"prompt": "a fox", "track_id": 4711}""", Map.of("Authorization", "Bearer " + tenant.key(),
                "X-Gateway-Project", "checkout.v2", "X-Gateway-Tags", "feature=thumbnails, env=prod"));

        assertThat(answer.status()).isEqualTo(200);
        Map<String, Object> row = jdbc.sql("SELECT project, tags::text AS tags, track_id FROM call_ledger "
                + "WHERE tenant_id = ?").param(tenant.id()).query().singleRow();
        assertThat(row).containsEntry("project", "checkout.v2").containsEntry("track_id", "4711");
        assertThat(JSON.readTree((String) row.get("tags")))
            .isEqualTo(JSON.readTree("{\"feature\":\"thumbnails\",\"env\":\"prod\"}"));
        assertThat(upstream.received()).singleElement().satisfies(received -> {
            assertThat(received.headers().keySet()).noneMatch(name -> name.toLowerCase().startsWith("x-gateway"));
            assertThat(JSON.readTree(received.body()).get("track_id").asInt()).isEqualTo(4711);
        });
    }

    @Test
    void aCallWithoutAttributionRecordsNone() {
        TestTenant tenant = tenant();

        assertThat(text2img(tenant.key(), "{\"prompt\": \"a fox\"}").status()).isEqualTo(200);

        Map<String, Object> row = jdbc.sql("SELECT project, tags, track_id FROM call_ledger WHERE tenant_id = ?")
            .param(tenant.id()).query().singleRow();
        assertThat(row.values()).containsOnlyNulls();
    }

    @Test
    void invalidAttributionHeadersAreRefusedNamingTheHeaderBeforeAnythingIsReservedForwardedOrCharged() {
        TestTenant tenant = tenant();
        upstream.reset();
        assertRefused(tenant, "X-Gateway-Project", "Checkout");
        assertRefused(tenant, "X-Gateway-Tags", "feature");
        assertRefused(tenant, "X-Gateway-Project", "x".repeat(65));
        assertRefused(tenant, "X-Gateway-Project", "");
        assertRefused(tenant, "X-Gateway-Tags", "a=1,b=2,c=3,d=4,e=5,f=6,g=7,h=8,i=9,j=10,k=11");
        assertRefused(tenant, "X-Gateway-Tags", "env=prod,env=test");
        assertRefused(tenant, "X-Gateway-Tags", "env=Prod");
        assertRefused(tenant, "X-Gateway-Tags", "env=");
        assertRefused(tenant, "X-Gateway-Tags", "a=b=c");

        assertThat(upstream.received()).isEmpty();
        assertThat(ledgerRows(tenant.id())).isZero();
        assertThat(reservations(tenant.id())).isZero();
        assertThat(jdbc.sql("SELECT day_calls FROM quota_state WHERE tenant_id = ?").param(tenant.id())
            .query(Integer.class).single()).isZero();
    }

    private void assertRefused(TestTenant tenant, String header, String value) {
        Response refused = send("POST", "/api/v6/images/text2img", "{\"prompt\": \"a fox\"}",
                Map.of("Authorization", "Bearer " + tenant.key(), header, value));
        assertThat(refused.status()).as(header + ": " + value).isEqualTo(400);
        assertThat(refused.code()).isEqualTo("invalid_request");
        assertThat(refused.json().get("message").asString()).contains(header);
    }
}
