package com.example.gateway.ledger;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.example.gateway.quota.AdmissionRequest;
import com.example.gateway.quota.Attribution;
import com.example.gateway.quota.Balance;
import com.example.gateway.quota.CallOutcome;
import com.example.gateway.quota.Credential;
import com.example.gateway.quota.QuotaService;
import com.example.gateway.quota.Reservation;
import com.example.gateway.quota.Settlement;
import com.example.gateway.support.Bodies;
import com.example.gateway.support.GatewayIntegrationTest;
import com.example.gateway.tenant.TenantAuthenticator;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReservationSweeperTest extends GatewayIntegrationTest {

    private static final byte[] ANSWER = "{\"status\":\"success\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    @Autowired
    QuotaService quotas;

    @Autowired
    GroupCommit ledger;

    @Autowired
    ReservationSweeper sweeper;

    @Autowired
    TenantAuthenticator authenticator;

    @Test
    void releasesTheReservationOfACallWhoseReplicaDiedAndRecordsItUncharged() {
        TestTenant tenant = newTenant().budget("0.0094").maxConcurrent(1).create();
        // A replica admitted this call and died before settling it.
        Reservation reservation = reserve(tenant);
        UUID orphan = reservation.admission().requestId();
        assertThat(text2img(tenant.key(), Bodies.text2img("blocked")).code()).isEqualTo("too_many_concurrent");
        ageReservation(orphan);

        int released = sweep(tenant);

        assertThat(released).isEqualTo(1);
        assertThat(reservations(tenant.id())).isZero();
        Map<String, Object> row = jdbc.sql("SELECT outcome, cost_usd, price_id, unit_price_usd, expected_modelslab_usd "
                + "FROM call_ledger WHERE request_id = ?").param(orphan).query().singleRow();
        assertThat(row.get("outcome")).isEqualTo("abandoned");
        assertThat((BigDecimal) row.get("cost_usd")).isEqualByComparingTo("0");
        // The row still names the price the call was admitted at; ModelsLab is expected to charge nothing, as the tenant.
        assertThat(reservation.admission().priceId()).isNotNull();
        assertThat(row.get("price_id")).isEqualTo(reservation.admission().priceId());
        assertThat((BigDecimal) row.get("unit_price_usd")).isEqualByComparingTo(PRICE);
        assertThat((BigDecimal) row.get("expected_modelslab_usd")).isEqualByComparingTo("0");
        assertThat(sweep(tenant)).as("swept exactly once").isZero();
        Response next = text2img(tenant.key(), Bodies.text2img("after the sweep"));
        assertThat(next.status()).isEqualTo(200);
        assertThat(next.header("X-Gateway-Budget-Remaining-USD")).isEqualTo("0.0047");
    }

    @Test
    void appliesACallThatWasRecordedButNeverAppliedToTheQuotaExactlyOnce() {
        TestTenant tenant = newTenant().budget("0.0094").maxConcurrent(1).create();
        UUID call = reserve(tenant).admission().requestId();
        // The replica wrote the call's ledger row (the durable step) and died before applying it to the quota row.
        jdbc.sql("""
                INSERT INTO call_ledger (request_id, tenant_id, key_id, model_id, endpoint, outcome, upstream_status,
                                         http_status, images, cost_usd, created_at, settled_at)
                SELECT request_id, tenant_id, key_id, model_id, endpoint, 'success', 200, 200, images, amount_usd,
                       created_at - interval '1 hour', now() - interval '1 minute'
                FROM reservation WHERE request_id = ?
                """).param(call).update();
        ageReservation(call);
        assertThat(text2img(tenant.key(), Bodies.text2img("blocked")).code()).isEqualTo("too_many_concurrent");

        assertThat(sweep(tenant)).isEqualTo(1);

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
        assertThat(sweep(tenant)).as("applied exactly once").isZero();
        Response next = text2img(tenant.key(), Bodies.text2img("after the sweep"));
        assertThat(next.status()).isEqualTo(200);
        assertThat(next.header("X-Gateway-Budget-Remaining-USD")).isEqualTo("0");
    }

    @Test
    void aLateSettlementOfACallAlreadyRecordedChargesNothingMoreAndAnswersAnUnknownBalance() {
        TestTenant tenant = newTenant().budget("1.00").create();
        Reservation reservation = reserve(tenant);
        UUID call = reservation.admission().requestId();
        Settlement success = new Settlement(call, CallOutcome.SUCCESS, PRICE, 200, 200, "81443063", 650, ANSWER);
        assertThat(ledger.settle(reservation, success).header()).isEqualTo("0.9953");

        // The same settlement again, as after a commit whose acknowledgement was lost: the reservation is gone and
        // the ledger row is there.
        Balance again = ledger.settle(reservation, success);

        assertThat(again.header()).as("not 'unlimited': the tenant has a budget").isEqualTo("unknown");
        assertThat(ledgerRows(tenant.id())).isEqualTo(1);
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo(PRICE);
        assertThat(jdbc.sql("SELECT month_spent_usd FROM quota_state WHERE tenant_id = ?").param(tenant.id())
            .query(BigDecimal.class).single()).isEqualByComparingTo(PRICE);
    }

    /**
     * Settlements that arrive together are written as one group; a group without idempotent answers is one autocommit
     * batch, after which a call whose reservation was gone is settled on its own.
     */
    @Test
    void callsSettledTogetherAreEachRecordedAndChargedOnceEvenWhenOneReservationWasReleased() throws Exception {
        TestTenant tenant = newTenant().budget("1.00").create();
        // The sweeper takes the last call for one whose replica died: released, recorded as abandoned.
        List<Reservation> calls = List.of(reserve(tenant), reserve(tenant), reserve(tenant), aged(reserve(tenant)));
        UUID late = calls.get(3).admission().requestId();
        assertThat(sweep(tenant)).isEqualTo(1);

        List<Balance> balances = settleAtOnce(calls);

        assertThat(balances).extracting(Balance::header).doesNotContain("unknown", "unlimited");
        assertThat(ledgerRows(tenant.id())).isEqualTo(4);
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo(PRICE.multiply(BigDecimal.valueOf(4)));
        assertThat(jdbc.sql("SELECT count(*) FROM call_ledger WHERE tenant_id = ? AND outcome = 'success'")
            .param(tenant.id()).query(Long.class).single()).as("the abandoned row was settled").isEqualTo(4);
        Map<String, Object> settledUnreserved = jdbc.sql("SELECT price_id, unit_price_usd, expected_modelslab_usd "
                + "FROM call_ledger WHERE request_id = ?").param(late).query().singleRow();
        assertThat(settledUnreserved.get("price_id")).isEqualTo(calls.get(3).admission().priceId());
        assertThat((BigDecimal) settledUnreserved.get("unit_price_usd")).isEqualByComparingTo(PRICE);
        assertThat((BigDecimal) settledUnreserved.get("expected_modelslab_usd")).isEqualByComparingTo(PRICE);
        Map<String, Object> quota = jdbc.sql("SELECT month_spent_usd, reserved_usd, in_flight FROM quota_state "
                + "WHERE tenant_id = ?").param(tenant.id()).query().singleRow();
        assertThat((BigDecimal) quota.get("month_spent_usd")).isEqualByComparingTo(PRICE.multiply(BigDecimal.valueOf(4)));
        assertThat((BigDecimal) quota.get("reserved_usd")).isEqualByComparingTo("0");
        assertThat(quota.get("in_flight")).isEqualTo(0);
        assertThat(reservations(tenant.id())).isZero();
    }

    /** Two replicas sweep at the same moment: SKIP LOCKED gives each reservation to exactly one of them. */
    @Test
    void twoReplicasSweepingAtOnceReleaseEveryReservationExactlyOnce() throws Exception {
        TestTenant tenant = newTenant().budget("1.00").create();
        List<UUID> orphans = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            orphans.add(reserve(tenant).admission().requestId());
        }
        orphans.forEach(this::ageReservation);

        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService replicas = Executors.newFixedThreadPool(2)) {
            List<Future<Integer>> sweeps = List.of(replicas.submit(() -> { start.await(); return sweeper.sweep(); }),
                    replicas.submit(() -> { start.await(); return sweeper.sweep(); }));
            start.countDown();
            for (Future<Integer> sweep : sweeps) {
                sweep.get();
            }
        }

        Map<String, Object> state = stateOf(tenant);
        assertThat(state.get("reservations")).isEqualTo(0L);
        assertThat(state.get("in_flight")).isEqualTo(0);
        assertThat((BigDecimal) state.get("reserved_usd")).isEqualByComparingTo("0");
        assertThat((BigDecimal) state.get("month_spent_usd")).isEqualByComparingTo("0");
        assertThat(jdbc.sql("SELECT count(*) FROM call_ledger WHERE tenant_id = ? AND outcome = 'abandoned' AND cost_usd = 0")
            .param(tenant.id()).query(Long.class).single()).isEqualTo(20);
        assertThat(ledgerRows(tenant.id())).isEqualTo(20);
    }

    /**
     * A settlement and a sweep meet on one aged reservation, many times: whichever comes first, the call ends with one
     * ledger row, charged once, and the quota row holds nothing reserved or in flight.
     */
    @Test
    void aSweepRacingASettlementLeavesTheCallChargedExactlyOnce() throws Exception {
        TestTenant tenant = newTenant().budget("1.00").create();
        int rounds = 15;
        for (int round = 0; round < rounds; round++) {
            Reservation call = aged(reserve(tenant));
            UUID id = call.admission().requestId();
            CountDownLatch start = new CountDownLatch(1);
            try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
                Future<Balance> settled = threads.submit(() -> {
                    start.await();
                    return ledger.settle(call, new Settlement(id, CallOutcome.SUCCESS, PRICE, 200, 200, "4711", 650,
                            ANSWER));
                });
                Future<Integer> swept = threads.submit(() -> {
                    start.await();
                    return sweeper.sweep();
                });
                start.countDown();
                settled.get();
                swept.get();
            }
            assertThat(jdbc.sql("SELECT outcome || ' ' || cost_usd FROM call_ledger WHERE request_id = ?").param(id)
                .query(String.class).list()).as("round %d", round).singleElement().satisfies(row ->
                    assertThat(row).startsWith("success 0.0047"));
        }

        // A recorded call whose second step the sweep pre-empted is applied by the next sweep.
        sweeper.sweep();
        Map<String, Object> state = stateOf(tenant);
        assertThat(state.get("reservations")).isEqualTo(0L);
        assertThat(state.get("in_flight")).isEqualTo(0);
        assertThat((BigDecimal) state.get("reserved_usd")).isEqualByComparingTo("0");
        assertThat((BigDecimal) state.get("month_spent_usd")).isEqualByComparingTo(PRICE.multiply(BigDecimal.valueOf(rounds)));
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo(PRICE.multiply(BigDecimal.valueOf(rounds)));
    }

    /** A call that held one of the account's upstream slots gives it back when the sweeper releases its reservation. */
    @Test
    void theSweeperGivesBackTheAccountSlotOfACallWhoseReplicaDied() {
        TestTenant tenant = newTenant().budget("1.00").create();
        UUID orphan = reserve(tenant).admission().requestId();
        // As if admitted under gateway.quota.upstream-max-in-flight: the reservation holds one of the account's slots.
        jdbc.sql("UPDATE reservation SET holds_upstream_slot = true WHERE request_id = ?").param(orphan).update();
        jdbc.sql("UPDATE upstream_slot SET in_flight = in_flight + 1 WHERE id = 1").update();
        int slotsBefore = jdbc.sql("SELECT in_flight FROM upstream_slot WHERE id = 1").query(Integer.class).single();
        ageReservation(orphan);

        assertThat(sweep(tenant)).isEqualTo(1);

        assertThat(jdbc.sql("SELECT in_flight FROM upstream_slot WHERE id = 1").query(Integer.class).single())
            .isEqualTo(slotsBefore - 1);
    }

    /**
     * A settlement the database refuses for good (here an upstream id longer than its column) is answered as not
     * charged; the call keeps its reservation until the sweeper records it abandoned, uncharged, so the ledger says
     * what the client was told.
     */
    @Test
    void aSettlementThatGivesUpLeavesTheCallAbandonedAndUnchargedAsItsClientWasTold() {
        TestTenant tenant = newTenant().budget("1.00").create();
        Reservation call = reserve(tenant);
        UUID id = call.admission().requestId();
        Settlement unwritable = new Settlement(id, CallOutcome.SUCCESS, PRICE, 200, 200, "9".repeat(65), 650, ANSWER);

        assertThatThrownBy(() -> ledger.settle(call, unwritable)).isInstanceOf(SettlementFailed.class);

        assertThat(ledgerRows(tenant.id())).isZero();
        assertThat(reservations(tenant.id())).isEqualTo(1);
        ageReservation(id);
        assertThat(sweep(tenant)).isEqualTo(1);
        assertThat(jdbc.sql("SELECT outcome || ' ' || cost_usd FROM call_ledger WHERE request_id = ?").param(id)
            .query(String.class).single()).isEqualTo("abandoned 0.00000000");
        Map<String, Object> state = stateOf(tenant);
        assertThat((BigDecimal) state.get("month_spent_usd")).isEqualByComparingTo("0");
        assertThat((BigDecimal) state.get("reserved_usd")).isEqualByComparingTo("0");
        assertThat(state.get("in_flight")).isEqualTo(0);
    }

    private Reservation reserve(TestTenant tenant) {
        return quotas.reserve(new Credential.KeyHash(authenticator.keyHash(tenant.key(), null)),
                new AdmissionRequest(UUID.randomUUID(), "octoflat", "text2img", 1, null, null, Attribution.NONE));
    }

    /** Settles every call from its own thread, all released at once so that they meet in the writer's queue. */
    private List<Balance> settleAtOnce(List<Reservation> calls) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newFixedThreadPool(calls.size())) {
            List<Future<Balance>> settled = calls.stream().map(call -> threads.submit(() -> {
                start.await();
                UUID id = call.admission().requestId();
                return ledger.settle(call, new Settlement(id, CallOutcome.SUCCESS, PRICE, 200, 200, "81443063", 650, ANSWER));
            })).toList();
            start.countDown();
            return settled.stream().map(ReservationSweeperTest::get).toList();
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

    /**
     * Runs the sweeper once and returns how many of this tenant's calls it released or applied (each removes the call's
     * reservation). The sweeper's own count covers the whole database, which other test classes share and may have
     * left aged reservations in, so it is not what these tests assert. A sweep that removes none of the tenant's
     * reservations must leave its quota row, reservations and ledger exactly as they were.
     */
    private int sweep(TestTenant tenant) {
        Map<String, Object> before = stateOf(tenant);
        sweeper.sweep();
        Map<String, Object> after = stateOf(tenant);
        int removed = Math.toIntExact((Long) before.get("reservations") - (Long) after.get("reservations"));
        if (removed == 0) {
            assertThat(after).as("the tenant's rows after a sweep that released nothing").isEqualTo(before);
        }
        return removed;
    }

    private Map<String, Object> stateOf(TestTenant tenant) {
        return jdbc.sql("""
                SELECT q.month_spent_usd, q.reserved_usd, q.in_flight, q.day_calls, q.minute_calls,
                       (SELECT count(*) FROM reservation r WHERE r.tenant_id = q.tenant_id) AS reservations,
                       (SELECT string_agg(l.request_id || ' ' || l.outcome || ' ' || l.cost_usd, ', '
                                          ORDER BY l.request_id)
                        FROM call_ledger l WHERE l.tenant_id = q.tenant_id) AS ledger
                FROM quota_state q WHERE q.tenant_id = ?
                """).param(tenant.id()).query().singleRow();
    }

    /**
     * The call as if admitted an hour ago, by a replica that then died, for the sweeper to take; its admission instant
     * moves with its reservation, since every ledger row of a call carries that instant (the ledger's key with its id).
     */
    private Reservation aged(Reservation call) {
        ageReservation(call.admission().requestId());
        return new Reservation(call.admission(), call.admittedAt().minus(Duration.ofHours(1)), call.month());
    }

    /** Makes the call's reservation look like one whose replica died an hour ago, for the sweeper to take. */
    private void ageReservation(UUID requestId) {
        jdbc.sql("UPDATE reservation SET created_at = created_at - interval '1 hour' WHERE request_id = ?")
            .param(requestId).update();
    }
}
