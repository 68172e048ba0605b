package com.example.gateway.quota;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.example.gateway.support.GatewayIntegrationTest;
import com.example.gateway.tenant.TenantAuthenticator;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Settlements that arrive together are written as one group. A group without idempotent answers is one autocommit
 * batch, after which a call whose reservation was gone is settled on its own.
 */
class SettlementGroupTest extends GatewayIntegrationTest {

    @Autowired
    QuotaService quotas;

    @Autowired
    ReservationSweeper sweeper;

    @Autowired
    TenantAuthenticator authenticator;

    @Test
    void callsSettledTogetherAreEachRecordedAndChargedOnceEvenWhenOneReservationWasReleased() throws Exception {
        TestTenant tenant = tenant("1.00", null, null, null);
        byte[] keyHash = authenticator.keyHash(tenant.key(), null);
        List<Reservation> calls = List.of(reserve(keyHash), reserve(keyHash), reserve(keyHash), reserve(keyHash));
        // The sweeper takes the last call for one whose replica died: released, recorded as abandoned.
        UUID late = calls.get(3).admission().requestId();
        jdbc.sql("UPDATE reservation SET created_at = created_at - interval '1 hour' WHERE request_id = ?")
            .param(late).update();
        assertThat(sweeper.sweep()).isGreaterThanOrEqualTo(1);

        List<Balance> balances = settleAtOnce(calls);

        assertThat(balances).extracting(Balance::header).doesNotContain("unknown", "unlimited");
        assertThat(ledgerRows(tenant.id())).isEqualTo(4);
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo(PRICE.multiply(BigDecimal.valueOf(4)));
        assertThat(jdbc.sql("SELECT count(*) FROM call_ledger WHERE tenant_id = ? AND outcome = 'success'")
            .param(tenant.id()).query(Long.class).single()).as("the abandoned row was settled").isEqualTo(4);
        Map<String, Object> quota = jdbc.sql("SELECT month_spent_usd, reserved_usd, in_flight FROM quota_state "
                + "WHERE tenant_id = ?").param(tenant.id()).query().singleRow();
        assertThat((BigDecimal) quota.get("month_spent_usd")).isEqualByComparingTo(PRICE.multiply(BigDecimal.valueOf(4)));
        assertThat((BigDecimal) quota.get("reserved_usd")).isEqualByComparingTo("0");
        assertThat(quota.get("in_flight")).isEqualTo(0);
        assertThat(reservations(tenant.id())).isZero();
    }

    private Reservation reserve(byte[] keyHash) {
        return quotas.reserve(keyHash, new AdmissionRequest(UUID.randomUUID(), "octoflat", "text2img", 1, PRICE, null,
                null));
    }

    /** Settles every call from its own thread, all released at once so that they meet in the writer's queue. */
    private List<Balance> settleAtOnce(List<Reservation> calls) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newFixedThreadPool(calls.size())) {
            List<Future<Balance>> settled = calls.stream().map(call -> threads.submit(() -> {
                start.await();
                UUID id = call.admission().requestId();
                return quotas.settle(call, new Settlement(id, CallOutcome.SUCCESS, PRICE, 200, 200, "81443063", 650),
                        null);
            })).toList();
            start.countDown();
            return settled.stream().map(SettlementGroupTest::get).toList();
        }
    }

    private static Balance get(Future<Balance> future) {
        try {
            return future.get();
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }
}
