package com.example.gateway.quota;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.dao.DataIntegrityViolationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ledger itself keeps the charging rule: it takes every outcome the gateway knows and no other, and a cost only on
 * an outcome that {@link CallOutcome#charged()} says is charged.
 */
class ChargedOutcomesInTheLedgerTest extends GatewayIntegrationTest {

    private TestTenant tenant;
    private UUID keyId;

    @BeforeEach
    void createTenant() {
        tenant = tenant();
        keyId = jdbc.sql("SELECT id FROM api_key WHERE tenant_id = ?").param(tenant.id()).query(UUID.class).single();
    }

    @ParameterizedTest
    @EnumSource(CallOutcome.class)
    void everyOutcomeMayBeRecordedAtNoCost(CallOutcome outcome) {
        insert(outcome.dbValue(), BigDecimal.ZERO);

        assertThat(ledgerRows(tenant.id())).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(CallOutcome.class)
    void onlyAChargedOutcomeMayCarryACost(CallOutcome outcome) {
        if (outcome.charged()) {
            insert(outcome.dbValue(), PRICE);
            assertThat(ledgerSum(tenant.id())).isEqualByComparingTo(PRICE);
        }
        else {
            assertThatThrownBy(() -> insert(outcome.dbValue(), PRICE))
                .isInstanceOf(DataIntegrityViolationException.class)
                .hasMessageContaining("call_ledger_uncharged_costs_nothing");
            assertThat(ledgerRows(tenant.id())).isZero();
        }
    }

    @Test
    void anOutcomeTheGatewayDoesNotKnowIsRefused() {
        assertThatThrownBy(() -> insert("upstream_exploded", BigDecimal.ZERO))
            .isInstanceOf(DataIntegrityViolationException.class)
            .hasMessageContaining("call_ledger_outcome_known");
        assertThat(ledgerRows(tenant.id())).isZero();
    }

    private void insert(String outcome, BigDecimal cost) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        jdbc.sql("""
                INSERT INTO call_ledger (request_id, tenant_id, key_id, model_id, endpoint, outcome, images, cost_usd,
                                         created_at, settled_at)
                VALUES (?, ?, ?, 'octoflat', 'text2img', ?, 1, ?, ?, ?)
                """)
            .params(UUID.randomUUID(), tenant.id(), keyId, outcome, cost, now, now)
            .update();
    }
}
