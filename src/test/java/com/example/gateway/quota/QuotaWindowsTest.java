package com.example.gateway.quota;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import com.example.gateway.errors.GatewayException;
import com.example.gateway.ledger.GroupCommit;
import com.example.gateway.support.GatewayIntegrationTest;
import com.example.gateway.tenant.TenantAuthenticator;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Autowired;
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
    PriceList prices;

    @Autowired
    QuotaProperties properties;

    @Autowired
    DataSource dataSource;

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

    private QuotaService replica(Instant now) {
        return new QuotaService(jdbcClient, Clock.fixed(now, ZoneOffset.UTC), prices, properties, dataSource,
                admissionThreads);
    }

    private Reservation reserve(QuotaService replica, TestTenant tenant) {
        return replica.reserve(new Credential.KeyHash(authenticator.keyHash(tenant.key(), null)),
                new AdmissionRequest(UUID.randomUUID(), "octoflat", "text2img", 1, null, null));
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
