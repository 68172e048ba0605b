package com.example.gateway.console;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.example.gateway.support.Bodies;
import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.security.web.SecurityFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's sign-in, sessions, CSRF and role boundaries over plain HTTP, and that the API routes stay exactly as
 * they were: no session, no cookie, no CSRF check and no security header.
 */
class ConsoleSecurityTest extends GatewayIntegrationTest {

    private static final String FINANCE_TOKEN = "test-finance-token";

    @Test
    void apiRoutesGetNoSessionCookieNoCsrfCheckAndNoSecurityHeaders() {
        TestTenant tenant = tenant();
        Response call = text2img(tenant.key(), Bodies.text2img("a cat"));
        Response created = admin("POST", "/admin/tenants", """
                {"id":"api-untouched","name":"API"}""");
        Response docs = send("GET", "/v3/api-docs", null, Map.of());
        Response health = send("GET", "/actuator/health", null, Map.of());

        assertThat(call.status()).isEqualTo(200);
        assertThat(created.status()).isEqualTo(201);
        assertThat(docs.status()).isEqualTo(200);
        assertThat(health.status()).isEqualTo(200);
        for (Response response : List.of(call, created, docs, health)) {
            assertThat(response.header("Set-Cookie")).isNull();
            assertThat(response.header("X-Frame-Options")).isNull();
            assertThat(response.header("Content-Security-Policy")).isNull();
            assertThat(response.header("X-Content-Type-Options")).isNull();
        }
        assertThat(docs.body()).doesNotContain("/console");
    }

    @Test
    void webClientCallsCarryNoSecurityContext(@Autowired ApplicationContext context) {
        // the one bean of Spring Security's SecurityReactorContextConfiguration, which would hook every Reactor operator
        assertThat(context.containsBeanDefinition(ConsoleSecurityConfiguration.REACTOR_CONTEXT_REGISTRAR)).isFalse();
        assertThat(context.getBeanNamesForType(SecurityFilterChain.class)).hasSize(1);
    }

    @Test
    void theConsoleSendsStrangersToSignIn() {
        ConsoleClient stranger = new ConsoleClient(baseUrl());

        HttpResponse<String> overview = stranger.get("/console");
        HttpResponse<String> calls = stranger.get("/console/calls");

        assertThat(overview.statusCode()).isEqualTo(302);
        assertThat(overview.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).endsWith("/console/sign-in"));
        assertThat(calls.statusCode()).isEqualTo(302);
    }

    @Test
    void theAdminTokenSignsInWithAnHttpOnlySessionCookieLimitedToTheConsole() {
        ConsoleClient admin = new ConsoleClient(baseUrl());

        HttpResponse<String> signedIn = admin.signIn(ADMIN_TOKEN);
        HttpResponse<String> overview = admin.get("/console");

        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(signedIn.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).endsWith("/console"));
        assertThat(signedIn.headers().allValues("Set-Cookie")).anySatisfy(cookie -> assertThat(cookie)
            .startsWith("SESSION=").contains("HttpOnly").contains("Path=/console").contains("SameSite=Lax"));
        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(overview.body()).contains("Overview").contains("Spending against budget")
            .doesNotContain(ADMIN_TOKEN);
        assertThat(overview.headers().firstValue("Content-Security-Policy")).isPresent();
    }

    @Test
    void aWrongTokenIsRefusedAndNothingIsRemembered() {
        ConsoleClient guesser = new ConsoleClient(baseUrl());

        HttpResponse<String> refused = guesser.signIn("not-the-token");

        assertThat(refused.statusCode()).isEqualTo(302);
        assertThat(refused.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).endsWith("/console/sign-in?error"));
        assertThat(guesser.get("/console").statusCode()).isEqualTo(302);
    }

    @Test
    void aFormPostedWithoutTheCsrfTokenIsRejected() {
        ConsoleClient admin = new ConsoleClient(baseUrl());
        admin.signIn(ADMIN_TOKEN);
        admin.get("/console/tenants");

        HttpResponse<String> forged = admin.post("/console/tenants", Map.of("id", "forged", "name", "Forged"), false);
        HttpResponse<String> genuine = admin.post("/console/tenants", Map.of("id", "genuine-form", "name", "Genuine"),
                true);

        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(admin("GET", "/admin/tenants/forged", null).status()).isEqualTo(404);
        assertThat(genuine.statusCode()).isEqualTo(302);
        assertThat(admin("GET", "/admin/tenants/genuine-form", null).status()).isEqualTo(200);
    }

    @Test
    void adminsSeeTheUpstreamQueueOnItsPageAndInTheOverviewFinanceDoesNot() {
        ConsoleClient admin = new ConsoleClient(baseUrl());
        admin.signIn(ADMIN_TOKEN);
        ConsoleClient finance = new ConsoleClient(baseUrl());
        finance.signIn(FINANCE_TOKEN);

        assertThat(admin.get("/console/queue").body()).contains("Upstream queue", "queue-table");
        assertThat(admin.get("/console/queue/tile").body()).contains("queue-tile").doesNotContain("<html");
        assertThat(admin.get("/console").body()).contains("/console/queue/tile");
        assertThat(finance.get("/console").body()).doesNotContain("/console/queue/tile");
        assertThat(finance.get("/console/queue").statusCode()).isEqualTo(403);
    }

    @Test
    void financeReadsMoneyButCannotManageTenantsOrPrices() {
        ConsoleClient finance = new ConsoleClient(baseUrl());
        finance.signIn(FINANCE_TOKEN);

        assertThat(finance.get("/console/statements").statusCode()).isEqualTo(200);
        assertThat(finance.get("/console/usage").statusCode()).isEqualTo(200);
        assertThat(finance.get("/console/reconciliation").statusCode()).isEqualTo(200);
        assertThat(finance.get("/console/prices").body()).doesNotContain("Schedule a price");
        assertThat(finance.get("/console/tenants").statusCode()).isEqualTo(403);
        assertThat(finance.post("/console/prices", Map.of("model", "octoflat", "usd", "1"), true).statusCode())
            .isEqualTo(403);
    }

    @Test
    void financeRecordsTopUpsButCannotCreateTenantsOrRetryWebhookDeliveries() {
        ConsoleClient finance = new ConsoleClient(baseUrl());
        finance.signIn(FINANCE_TOKEN);

        assertThat(finance.get("/console/chargeback").statusCode()).isEqualTo(200);
        assertThat(finance.get("/console/chargeback.csv").statusCode()).isEqualTo(200);
        HttpResponse<String> costCentres = finance.get("/console/cost-centres");
        assertThat(costCentres.statusCode()).isEqualTo(200);
        assertThat(costCentres.body()).doesNotContain("create-cost-centre");
        assertThat(finance.post("/console/cost-centres", Map.of("id", "finance-made", "name", "No"), true)
            .statusCode()).isEqualTo(403);
        assertThat(finance.post("/console/tenants", Map.of("id", "finance-tenant", "name", "No"), true)
            .statusCode()).isEqualTo(403);
        String note = "console top-up " + java.util.UUID.randomUUID();
        finance.get("/console/reconciliation");
        assertThat(finance.post("/console/reconciliation/top-ups", Map.of("amountUsd", "25.00", "note", note), false)
            .statusCode()).isEqualTo(403);
        assertThat(finance.post("/console/reconciliation/top-ups", Map.of("amountUsd", "25.00", "note", note), true)
            .statusCode()).isEqualTo(302);
        assertThat(jdbc.sql("SELECT amount_usd FROM modelslab_top_up WHERE note = ?").param(note)
            .query(java.math.BigDecimal.class).list()).singleElement().satisfies(
                    amount -> assertThat(amount).isEqualByComparingTo("25"));
        assertThat(finance.get("/console/webhooks").statusCode()).isEqualTo(403);
        assertThat(finance.post("/console/webhooks/" + java.util.UUID.randomUUID() + "/retry", Map.of(), true)
            .statusCode()).isEqualTo(403);
        assertThat(admin("GET", "/admin/cost-centres/finance-made", null).status()).isEqualTo(404);
        assertThat(admin("GET", "/admin/tenants/finance-tenant", null).status()).isEqualTo(404);
    }

    @Test
    void aTenantCannotReachTheChargebackCostCentresOrAdjustments() {
        TestTenant mine = tenant();
        ConsoleClient tenant = new ConsoleClient(baseUrl());
        tenant.signIn(mine.key());

        assertThat(tenant.get("/console/chargeback").statusCode()).isEqualTo(403);
        assertThat(tenant.get("/console/chargeback.csv").statusCode()).isEqualTo(403);
        assertThat(tenant.get("/console/chargeback/print").statusCode()).isEqualTo(403);
        assertThat(tenant.get("/console/cost-centres").statusCode()).isEqualTo(403);
        assertThat(tenant.get("/console/adjustments/" + mine.id()).statusCode()).isEqualTo(403);
        assertThat(tenant.get("/console/me").body()).doesNotContain("Chargeback", "Cost centres");
    }

    @Test
    void theNewFormsRequireTheCsrfToken() {
        TestTenant target = tenant();
        ConsoleClient admin = new ConsoleClient(baseUrl());
        admin.signIn(ADMIN_TOKEN);
        admin.get("/console/cost-centres");

        HttpResponse<String> costCentre = admin.post("/console/cost-centres",
                Map.of("id", "forged-cc", "name", "Forged"), false);
        HttpResponse<String> adjustment = admin.post("/console/adjustments/" + target.id(),
                Map.of("amountUsd", "-1", "reason", "forged"), false);
        HttpResponse<String> key = admin.post("/console/tenants/" + target.id() + "/keys",
                Map.of("name", "forged", "monthlyBudgetUsd", "1"), false);
        HttpResponse<String> retry = admin.post("/console/webhooks/" + java.util.UUID.randomUUID() + "/retry",
                Map.of(), false);
        HttpResponse<String> genuine = admin.post("/console/adjustments/" + target.id(),
                Map.of("amountUsd", "-0.25", "reason", "goodwill"), true);

        assertThat(costCentre.statusCode()).isEqualTo(403);
        assertThat(adjustment.statusCode()).isEqualTo(403);
        assertThat(key.statusCode()).isEqualTo(403);
        assertThat(retry.statusCode()).isEqualTo(403);
        assertThat(admin("GET", "/admin/cost-centres/forged-cc", null).status()).isEqualTo(404);
        assertThat(admin("GET", "/admin/tenants/" + target.id() + "/keys", null).json().size()).isEqualTo(1);
        assertThat(genuine.statusCode()).isEqualTo(302);
        assertThat(admin("GET", "/admin/tenants/" + target.id() + "/adjustments", null).json().size()).isEqualTo(1);
    }

    @Test
    void theUsageExplorersCostCentreAndProjectViewIsTheApisFile() {
        String costCentre = "cc-usage-" + java.util.UUID.randomUUID().toString().substring(0, 6);
        admin("POST", "/admin/cost-centres", """
                {"id":"%s","name":"Usage"}""".formatted(costCentre));
        TestTenant tenant = newTenant().costCentre(costCentre).create();
        Response call = text2img(tenant.key(), Bodies.text2img("a cat"));
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        ConsoleClient admin = new ConsoleClient(baseUrl());
        admin.signIn(ADMIN_TOKEN);

        HttpResponse<String> csv = admin.get("/console/usage.csv?from=" + today + "&to=" + today
                + "&groupBy=costCentre&groupBy=project&costCentre=" + costCentre);
        HttpResponse<String> detail = admin.get("/console/calls/" + call.header("X-Request-Id"));
        HttpResponse<String> webhooks = admin.get("/console/webhooks?status=failed");

        assertThat(csv.body()).isEqualTo(admin("GET", "/admin/usage?from=" + today + "&to=" + today
                + "&groupBy=costCentre,project&costCentre=" + costCentre + "&format=csv", null).body());
        assertThat(csv.body()).contains(costCentre);
        String month = today.substring(0, 7);
        assertThat(admin.get("/console/cost-centres/" + costCentre + "/statement.csv?month=" + month).body())
            .isEqualTo(admin("GET", "/admin/cost-centres/" + costCentre + "/statement?month=" + month
                    + "&format=csv", null).body());
        assertThat(detail.body()).contains("Final outcome");
        assertThat(webhooks.statusCode()).isEqualTo(200);
    }

    @Test
    void aTenantSeesOnlyItsOwnCallsWhateverTheUrlSays() {
        TestTenant mine = tenant();
        TestTenant theirs = tenant();
        text2img(mine.key(), Bodies.text2img("mine"));
        Response theirCall = text2img(theirs.key(), Bodies.text2img("theirs"));
        String theirRequestId = theirCall.header("X-Request-Id");
        ConsoleClient tenant = new ConsoleClient(baseUrl());

        HttpResponse<String> signedIn = tenant.signIn(mine.key());
        HttpResponse<String> myCalls = tenant.get("/console/me/calls?tenant=" + theirs.id());

        assertThat(signedIn.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).endsWith("/console/me"));
        assertThat(myCalls.statusCode()).isEqualTo(200);
        assertThat(myCalls.body()).doesNotContain(theirRequestId).doesNotContain(mine.key());
        assertThat(tenant.get("/console/me/calls/" + theirRequestId).statusCode()).isEqualTo(404);
        assertThat(tenant.get("/console/calls/" + theirRequestId).statusCode()).isEqualTo(403);
        assertThat(tenant.get("/console/calls?tenant=" + theirs.id()).statusCode()).isEqualTo(403);
        assertThat(tenant.get("/console/tenants/" + theirs.id()).statusCode()).isEqualTo(403);
        assertThat(tenant.get("/console/statements?tenant=" + theirs.id()).statusCode()).isEqualTo(403);
        assertThat(tenant.get("/console/usage.csv").statusCode()).isEqualTo(403);
    }

    @Test
    void revokingTheKeyATenantSignedInWithEndsItsSessionAtOnce() {
        TestTenant tenant = tenant();
        ConsoleClient console = new ConsoleClient(baseUrl());
        console.signIn(tenant.key());
        String keyId = admin("GET", "/admin/tenants/" + tenant.id() + "/keys", null).json().get(0).path("id")
            .asString();

        HttpResponse<String> before = console.get("/console/me");
        admin("DELETE", "/admin/tenants/" + tenant.id() + "/keys/" + keyId, null);
        HttpResponse<String> after = console.get("/console/me");

        assertThat(before.statusCode()).isEqualTo(200);
        assertThat(after.statusCode()).isEqualTo(302);
        assertThat(after.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).endsWith("/console/sign-in?ended"));
        assertThat(console.get("/console/me").statusCode()).isEqualTo(302);
    }

    @Test
    void signingOutEndsTheSession() {
        ConsoleClient admin = new ConsoleClient(baseUrl());
        admin.signIn(ADMIN_TOKEN);
        admin.get("/console");

        HttpResponse<String> signedOut = admin.post("/console/sign-out", Map.of(), true);

        assertThat(signedOut.statusCode()).isEqualTo(302);
        assertThat(signedOut.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).endsWith("/console/sign-in?signedOut"));
        assertThat(admin.get("/console").statusCode()).isEqualTo(302);
    }
}
