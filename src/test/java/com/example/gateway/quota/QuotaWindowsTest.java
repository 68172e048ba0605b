package com.example.gateway.quota;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.example.gateway.errors.GatewayException;
import com.example.gateway.ledger.GroupCommit;
import com.example.gateway.support.Bodies;
import com.example.gateway.support.ExtraReplica;
import com.example.gateway.support.GatewayIntegrationTest;
import com.example.gateway.tenant.TenantAuthenticator;
import org.junit.jupiter.api.Test;


import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcOperations;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two replicas whose clocks differ by five seconds admit calls of one tenant across a minute, day and month boundary
 * (UTC): the quota row's windows only move forward, so no limit is exceeded and no spending is lost. Each replica is a
 * {@link QuotaService} with its own {@link Clock} on the one database, as two application contexts would have.
 */
class QuotaWindowsTest extends GatewayIntegrationTest {

    /** Five seconds before the first of a month; the quota rows of new tenants are opened earlier, today. */
    private static final Instant BEHIND = Instant.parse("2027-01-31T23:59:58Z");
    private static final Instant AHEAD = BEHIND.plusSeconds(5);
    private static final byte[] ANSWER = "{\"status\":\"success\"}".getBytes(StandardCharsets.UTF_8);

    @Autowired
    JdbcClient jdbcClient;

    @Autowired
    NamedParameterJdbcOperations namedJdbc;

    @Autowired
    PriceList prices;

    @Autowired
    AdmissionThreads admissionThreads;

    @Autowired
    TenantAuthenticator authenticator;

    @Autowired
    GroupCommit ledger;

    @Test
    void aReplicaWhoseClockIsBehindCannotResetTheMinuteCounterOfOneThatIsAhead() {
        TestTenant tenant = newTenant().perMinute(5).create();
        QuotaService behind = replica(BEHIND);
        QuotaService ahead = replica(AHEAD);
        for (int i = 0; i < 5; i++) {
            reserve(behind, tenant);
        }
        assertRefused(behind, tenant, "rate_limited");
        for (int i = 0; i < 5; i++) {
            reserve(ahead, tenant);
        }

        // The replica that is behind still names the old minute: its calls count in the row's newer one, which is full.
        assertRefused(behind, tenant, "rate_limited");
        assertRefused(ahead, tenant, "rate_limited");
        Map<String, Object> row = quotaRow(tenant);
        assertThat(row.get("minute_calls")).isEqualTo(5);
        assertThat(row.get("day_calls")).isEqualTo(5);
        assertThat(row.get("day")).hasToString("2027-02-01");
    }

    @Test
    void aReplicaWhoseClockIsBehindCannotZeroTheNewMonthsSpending() {
        TestTenant tenant = newTenant().budget("0.0141").create();
        QuotaService behind = replica(BEHIND);
        QuotaService ahead = replica(AHEAD);
        settle(reserve(ahead, tenant));
        settle(reserve(ahead, tenant));

        Reservation stale = reserve(behind, tenant);

        assertThat(stale.month()).as("counted in the row's month").isEqualTo(LocalDate.parse("2027-02-01"));
        settle(stale);
        assertRefused(ahead, tenant, "budget_exhausted");
        assertRefused(behind, tenant, "budget_exhausted");
        Map<String, Object> row = quotaRow(tenant);
        assertThat(row.get("month")).hasToString("2027-02-01");
        assertThat((BigDecimal) row.get("month_spent_usd")).isEqualByComparingTo("0.0141");
        assertThat((BigDecimal) row.get("reserved_usd")).isEqualByComparingTo("0");
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo("0.0141");
    }

    @Test
    void aCallAdmittedBeforeMidnightAndSettledAfterItIsChargedToTheMonthItWasAdmittedIn() {
        TestTenant tenant = newTenant().budget("1.00").create();
        Reservation january = reserve(replica(BEHIND), tenant);
        // Another call rolls the quota row into February while the January call is still in flight.
        Reservation february = reserve(replica(AHEAD), tenant);

        settle(january);
        settle(february);

        assertThat(january.month()).isEqualTo(LocalDate.parse("2027-01-01"));
        Map<String, Object> row = quotaRow(tenant);
        assertThat((BigDecimal) row.get("month_spent_usd")).as("February's spending holds only February's call")
            .isEqualByComparingTo(PRICE);
        assertThat((BigDecimal) row.get("reserved_usd")).isEqualByComparingTo("0");
        assertThat(row.get("in_flight")).isEqualTo(0);
        Instant januaryRow = jdbc.sql("SELECT created_at FROM call_ledger WHERE request_id = ?")
            .param(january.admission().requestId()).query(java.time.OffsetDateTime.class).single().toInstant();
        assertThat(januaryRow.atOffset(ZoneOffset.UTC).getMonthValue()).as("the ledger bills it to January")
            .isEqualTo(1);
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo(PRICE.multiply(BigDecimal.TWO));
    }

    /**
     * The same through HTTP, with two whole application contexts whose clocks stand on either side of the boundary:
     * calls alternate between them. The first call is the only one in January's last minute; the limit of 5 a minute
     * then holds for the minute after the boundary, whichever replica names which minute, and February's spending
     * holds February's calls.
     */
    @Test
    void twoApplicationContextsFiveSecondsApartAdmitExactlyTheLimitAcrossAMonthBoundary() {
        TestTenant tenant = newTenant().budget("1.00").perMinute(5).create();
        try (ExtraReplica behind = ExtraReplica.with().bean(Clock.class, Clock.fixed(BEHIND, ZoneOffset.UTC)).start();
                ExtraReplica ahead = ExtraReplica.with().bean(Clock.class, Clock.fixed(AHEAD, ZoneOffset.UTC)).start()) {
            List<Integer> statuses = new ArrayList<>();
            // behind, ahead, behind, ... : without forward-only windows the replica behind would reset the counter
            // (and February's spending) at every other call.
            for (int i = 0; i < 8; i++) {
                ExtraReplica replica = i % 2 == 0 ? behind : ahead;
                statuses.add(send(replica.baseUrl(), "POST", "/api/v6/images/text2img", Bodies.text2img("call " + i),
                        Map.of("Authorization", "Bearer " + tenant.key())).status());
            }

            assertThat(statuses).as("one call in 23:59, then five in 00:00").containsExactly(200, 200, 200, 200, 200,
                    200, 429, 429);
        }
        Map<String, Object> row = quotaRow(tenant);
        assertThat(row.get("minute_calls")).isEqualTo(5);
        assertThat(row.get("month")).hasToString("2027-02-01");
        assertThat(row.get("in_flight")).isEqualTo(0);
        assertThat(ledgerRows(tenant.id())).isEqualTo(6);
        // The first call was January's; the five after it count in February, whichever replica named January.
        assertThat((BigDecimal) row.get("month_spent_usd")).isEqualByComparingTo(PRICE.multiply(BigDecimal.valueOf(5)));
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo(PRICE.multiply(BigDecimal.valueOf(6)));
    }

    private QuotaService replica(Instant now) {
        return new QuotaService(namedJdbc, Clock.fixed(now, ZoneOffset.UTC), prices, admissionThreads);
    }

    private Reservation reserve(QuotaService replica, TestTenant tenant) {
        return replica.reserve(new Credential.KeyHash(authenticator.keyHash(tenant.key(), null)),
                new AdmissionRequest(UUID.randomUUID(), "octoflat", "text2img", 1, null, null, Attribution.NONE));
    }

    private void assertRefused(QuotaService replica, TestTenant tenant, String code) {
        assertThatThrownBy(() -> reserve(replica, tenant)).isInstanceOfSatisfying(GatewayException.class,
                refused -> assertThat(refused.code().code()).isEqualTo(code));
    }

    private void settle(Reservation reservation) {
        UUID id = reservation.admission().requestId();
        ledger.settle(reservation, new Settlement(id, CallOutcome.SUCCESS, reservation.admission().price(), 200, 200,
                "4711", 650, ANSWER));
    }

    private Map<String, Object> quotaRow(TestTenant tenant) {
        return jdbc.sql("SELECT month, month_spent_usd, reserved_usd, in_flight, day, day_calls, minute_calls "
                + "FROM quota_state WHERE tenant_id = ?").param(tenant.id()).query().singleRow();
    }

}
