package com.example.gateway.ledger;

import java.math.BigDecimal;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.UUID;

import com.example.gateway.support.Bodies;
import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** Credits and debits move budgets and statements as entries of their own, never a call's row. */
class AdjustmentsTest extends GatewayIntegrationTest {

    @Autowired
    Adjustments adjustments;

    @Test
    void aCreditGivesBudgetBackWithoutTouchingTheCallsRow() {
        TestTenant tenant = newTenant().budget(PRICE).create();
        assertThat(text2img(tenant.key(), Bodies.text2img("first")).status()).isEqualTo(200);
        assertThat(text2img(tenant.key(), Bodies.text2img("refused")).status()).isEqualTo(402);
        String rowBefore = ledgerRowText(tenant.id());

        Response credit = admin("POST", "/admin/tenants/" + tenant.id() + "/adjustments", """
                {"amountUsd": "-0.0047", "reason": "goodwill"}""");

        assertThat(credit.status()).isEqualTo(201);
        assertThat(credit.json().get("kind").asString()).isEqualTo("manual");
        assertThat(credit.json().get("month").asString())
            .isEqualTo(YearMonth.now(ZoneOffset.UTC).toString());
        assertThat(text2img(tenant.key(), Bodies.text2img("admitted again")).status()).isEqualTo(200);
        assertThat(ledgerRowText(tenant.id())).startsWith(rowBefore.substring(0, 36));
        assertThat(ledgerRows(tenant.id())).isEqualTo(2);
        assertThat(admin("GET", "/admin/tenants/" + tenant.id() + "/adjustments", null).json()).hasSize(1);
    }

    @Test
    void aDebitTakesBudgetAndAPastMonthsEntryMovesNoBudget() {
        TestTenant tenant = newTenant().budget("0.0094").create();
        String past = YearMonth.now(ZoneOffset.UTC).minusMonths(1).toString();

        assertThat(admin("POST", "/admin/tenants/" + tenant.id() + "/adjustments", """
                {"amountUsd": -5, "reason": "last month's outage", "month": "%s"}""".formatted(past)).status())
            .isEqualTo(201);
        assertThat(admin("POST", "/admin/tenants/" + tenant.id() + "/adjustments", """
                {"amountUsd": 0.0047, "reason": "manual image work"}""").status()).isEqualTo(201);

        assertThat(text2img(tenant.key(), Bodies.text2img("one")).status()).isEqualTo(200);
        assertThat(text2img(tenant.key(), Bodies.text2img("two")).status()).isEqualTo(402);
        assertThat(admin("GET", "/admin/tenants/" + tenant.id() + "/adjustments?month=" + past, null).json())
            .hasSize(1);
    }

    @Test
    void badAdjustmentsAreRefusedAndRecordNothing() {
        TestTenant tenant = tenant();
        String next = YearMonth.now(ZoneOffset.UTC).plusMonths(1).toString();
        for (String body : new String[] { "{\"amountUsd\": 0, \"reason\": \"x\"}", "{\"amountUsd\": 1}",
            "{\"amountUsd\": 1, \"reason\": \"x\", \"month\": \"%s\"}".formatted(next),
            "{\"amountUsd\": 1.000000001, \"reason\": \"x\"}", "{\"amountUsd\": \"abc\", \"reason\": \"x\"}",
            "{\"amountUsd\": 1, \"reason\": \"x\", \"month\": \"2026-13\"}", "[]" }) {
            Response refused = admin("POST", "/admin/tenants/" + tenant.id() + "/adjustments", body);
            assertThat(refused.status()).as(body).isEqualTo(400);
            assertThat(refused.code()).as(body).isEqualTo("invalid_request");
        }
        assertThat(admin("POST", "/admin/tenants/nobody/adjustments", "{\"amountUsd\": 1, \"reason\": \"x\"}")
            .status()).isEqualTo(404);
        assertThat(jdbc.sql("SELECT count(*) FROM ledger_adjustment WHERE tenant_id = ?").param(tenant.id())
            .query(Long.class).single()).isZero();
    }

    @Test
    void aFailedGenerationIsCreditedOnceHoweverOftenItIsReported() {
        TestTenant tenant = newTenant().budget(PRICE).create();
        assertThat(text2img(tenant.key(), Bodies.text2img("will fail later")).status()).isEqualTo(200);
        UUID call = jdbc.sql("SELECT request_id FROM call_ledger WHERE tenant_id = ?").param(tenant.id())
            .query(UUID.class).single();

        assertThat(adjustments.creditFailedGeneration(call, "generation failed")).hasValueSatisfying(credit -> {
            assertThat(credit.amountUsd()).isEqualByComparingTo(PRICE.negate());
            assertThat(credit.requestId()).isEqualTo(call);
        });
        assertThat(adjustments.creditFailedGeneration(call, "generation failed")).isEmpty();
        assertThat(adjustments.creditFailedGeneration(UUID.randomUUID(), "unknown call")).isEmpty();

        assertThat(text2img(tenant.key(), Bodies.text2img("admitted on the credit")).status()).isEqualTo(200);
        assertThat(text2img(tenant.key(), Bodies.text2img("no more")).status()).isEqualTo(402);
        assertThat(jdbc.sql("SELECT sum(amount_usd) FROM ledger_adjustment WHERE tenant_id = ?").param(tenant.id())
            .query(BigDecimal.class).single()).isEqualByComparingTo(PRICE.negate());
    }

    private String ledgerRowText(String tenantId) {
        return jdbc.sql("SELECT l::text FROM call_ledger l WHERE tenant_id = ? ORDER BY created_at LIMIT 1")
            .param(tenantId).query(String.class).single();
    }
}
