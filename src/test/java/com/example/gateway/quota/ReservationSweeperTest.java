package com.example.gateway.quota;

import java.math.BigDecimal;
import java.util.Map;
import java.util.UUID;

import com.example.gateway.support.GatewayIntegrationTest;
import com.example.gateway.tenant.TenantAuthenticator;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

class ReservationSweeperTest extends GatewayIntegrationTest {

    @Autowired
    QuotaService quotas;

    @Autowired
    ReservationSweeper sweeper;

    @Autowired
    TenantAuthenticator authenticator;

    @Test
    void releasesTheReservationOfACallWhoseReplicaDiedAndRecordsItUncharged() {
        TestTenant tenant = tenant("0.0094", null, null, 1);
        UUID orphan = UUID.randomUUID();
        // A replica admitted this call and died before settling it.
        quotas.reserve(authenticator.keyHash(tenant.key(), null),
                new AdmissionRequest(orphan, "octoflat", "text2img", 1, PRICE, null, null));
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

    @Test
    void appliesACallThatWasRecordedButNeverAppliedToTheQuotaExactlyOnce() {
        TestTenant tenant = tenant("0.0094", null, null, 1);
        UUID call = UUID.randomUUID();
        quotas.reserve(authenticator.keyHash(tenant.key(), null),
                new AdmissionRequest(call, "octoflat", "text2img", 1, PRICE, null, null));
        // The replica wrote the call's ledger row (the durable step) and died before applying it to the quota row.
        jdbc.sql("""
                INSERT INTO call_ledger (request_id, tenant_id, key_id, model_id, endpoint, outcome, upstream_status,
                                         http_status, images, cost_usd, created_at, settled_at)
                SELECT request_id, tenant_id, key_id, model_id, endpoint, 'success', 200, 200, images, amount_usd,
                       created_at - interval '1 hour', now() - interval '1 minute'
                FROM reservation WHERE request_id = ?
                """).param(call).update();
        jdbc.sql("UPDATE reservation SET created_at = created_at - interval '1 hour' WHERE request_id = ?")
            .param(call).update();
        assertThat(text2img(tenant.key(), "{\"prompt\":\"blocked\"}").code()).isEqualTo("too_many_concurrent");

        assertThat(sweeper.sweep()).isEqualTo(1);

        assertThat(reservations(tenant.id())).isZero();
        Map<String, Object> row = jdbc.sql("SELECT outcome, cost_usd FROM call_ledger WHERE request_id = ?")
            .param(call).query().singleRow();
        assertThat(row.get("outcome")).as("recorded, not abandoned").isEqualTo("success");
        assertThat((BigDecimal) row.get("cost_usd")).isEqualByComparingTo(PRICE);
        Map<String, Object> quota = jdbc.sql("SELECT month_spent_usd, reserved_usd, in_flight FROM quota_state "
                + "WHERE tenant_id = ?").param(tenant.id()).query().singleRow();
        assertThat((BigDecimal) quota.get("month_spent_usd")).isEqualByComparingTo(PRICE);
        assertThat((BigDecimal) quota.get("reserved_usd")).isEqualByComparingTo("0");
        assertThat(quota.get("in_flight")).isEqualTo(0);
        assertThat(sweeper.sweep()).as("applied exactly once").isZero();
        Response next = text2img(tenant.key(), "{\"prompt\":\"after the sweep\"}");
        assertThat(next.status()).isEqualTo(200);
        assertThat(next.header("X-Gateway-Budget-Remaining-USD")).isEqualTo("0");
    }

    @Test
    void aLateSettlementOfACallAlreadyRecordedChargesNothingMoreAndAnswersAnUnknownBalance() {
        TestTenant tenant = tenant("1.00", null, null, null);
        UUID call = UUID.randomUUID();
        Reservation reservation = quotas.reserve(authenticator.keyHash(tenant.key(), null),
                new AdmissionRequest(call, "octoflat", "text2img", 1, PRICE, null, null));
        Settlement success = new Settlement(call, CallOutcome.SUCCESS, PRICE, 200, 200, "81443063", 650);
        assertThat(quotas.settle(reservation, success, null).header()).isEqualTo("0.9953");

        // The same settlement again, as after a commit whose acknowledgement was lost: the reservation is gone and
        // the ledger row is there.
        Balance again = quotas.settle(reservation, success, null);

        assertThat(again.header()).as("not 'unlimited': the tenant has a budget").isEqualTo("unknown");
        assertThat(ledgerRows(tenant.id())).isEqualTo(1);
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo(PRICE);
        assertThat(jdbc.sql("SELECT month_spent_usd FROM quota_state WHERE tenant_id = ?").param(tenant.id())
            .query(BigDecimal.class).single()).isEqualByComparingTo(PRICE);
    }
}
