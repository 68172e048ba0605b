package com.example.gateway.quota;

import java.math.BigDecimal;
import java.util.Map;
import java.util.UUID;

import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

class ReservationSweeperTest extends GatewayIntegrationTest {

    @Autowired
    QuotaService quotas;

    @Autowired
    ReservationSweeper sweeper;

    @Test
    void releasesTheReservationOfACallWhoseReplicaDiedAndRecordsItUncharged() {
        TestTenant tenant = tenant("0.0094", null, null, 1);
        UUID keyId = jdbc.sql("SELECT id FROM api_key WHERE tenant_id = ?").param(tenant.id()).query(UUID.class).single();
        UUID orphan = UUID.randomUUID();
        // A replica admitted this call and died before settling it.
        quotas.reserve(new Admission(orphan, tenant.id(), keyId, "octoflat", "text2img", 1, PRICE, null, null));
        assertThat(text2img(tenant.key(), "{\"prompt\":\"blocked\"}").code()).isEqualTo("too_many_concurrent");
        jdbc.sql("UPDATE reservation SET created_at = created_at - interval '1 hour' WHERE request_id = ?")
            .param(orphan).update();

        int released = sweeper.sweep();

        assertThat(released).isGreaterThanOrEqualTo(1);
        assertThat(reservations(tenant.id())).isZero();
        Map<String, Object> row = jdbc.sql("SELECT outcome, cost_usd FROM call_ledger WHERE request_id = ?")
            .param(orphan).query().singleRow();
        assertThat(row.get("outcome")).isEqualTo("abandoned");
        assertThat((BigDecimal) row.get("cost_usd")).isEqualByComparingTo("0");
        assertThat(sweeper.sweep()).as("swept exactly once").isZero();
        Response next = text2img(tenant.key(), "{\"prompt\":\"after the sweep\"}");
        assertThat(next.status()).isEqualTo(200);
        assertThat(next.header("X-Gateway-Budget-Remaining-USD")).isEqualTo("0.0047");
    }
}
