package com.example.gateway.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import com.example.gateway.support.Bodies;
import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The console in a real browser, against the whole gateway: each role signs in, an admin onboards a tenant and sees its
 * first call everywhere with the API's numbers, downloads match the API's CSV, a tenant cannot reach another tenant's
 * data by editing a URL, a forged form is refused, and signing out works. The main pages' screenshots in
 * {@code docs/} come from here.
 */
class ConsoleBrowserTest extends GatewayIntegrationTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ConsoleBrowser browser;

    @BeforeAll
    static void startBrowser() {
        assumeTrue(ConsoleBrowser.available(), "chromium and chromium-driver are not installed");
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    private ConsoleBrowser browser() {
        if (browser == null) {
            browser = new ConsoleBrowser(baseUrl());
        }
        browser.width(1280, 1000);
        return browser;
    }

    @Test
    void anAdminOnboardsATenantAndSeesItsFirstCallWithTheApisNumbers() {
        ConsoleBrowser b = browser();
        String id = "browser-" + UUID.randomUUID().toString().substring(0, 8);
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String month = today.substring(0, 7);
        b.signIn(ADMIN_TOKEN);

        b.open("/console/tenants");
        b.find("#create-tenant input[name=id]").sendKeys(id);
        b.find("#create-tenant input[name=name]").sendKeys("Browser test service");
        b.find("#create-tenant input[name=monthlyBudgetUsd]").sendKeys("1.00");
        b.find("#create-tenant input[name=requestsPerMinute]").sendKeys("60");
        b.find("#create-tenant button").click();
        b.waitFor(d -> d.getCurrentUrl().contains("/console/tenants/" + id));
        b.find("#key-name").sendKeys("production");
        b.find("#issue-key button").click();
        String key = b.waitFor(d -> d.findElement(By.id("new-key-value"))).getDomAttribute("value");
        b.screenshot("console-tenant.png");
        b.open("/console/tenants/" + id);
        boolean keyShownAgain = b.has("#new-key-value") || b.body().contains(key);

        Response call = text2img(key, Bodies.text2img("a console cat"));

        b.open("/console");
        String spent = b.text("#budget-table tr[data-tenant='" + id + "'] .spent");
        b.screenshot("console-overview.png");
        b.open("/console/usage?from=" + today + "&to=" + today + "&groupBy=tenant&groupBy=day&tenant=" + id);
        String usageTotal = b.text("#usage-total");
        b.open("/console/usage?from=" + today + "&to=" + today + "&groupBy=tenant&groupBy=day");
        b.find("input[name=groupBy][value=model]").click();
        b.find("#usage-form button").click();
        b.waitFor(d -> d.findElement(By.cssSelector("#usage-table thead")).getText().contains("Model"));
        b.screenshot("console-usage.png");
        String consoleCsv = download(b, b.find("#usage-csv").getDomAttribute("href"));
        b.open("/console/calls?tenant=" + id);
        b.find("#calls-table tbody a").click();
        b.waitFor(d -> d.getCurrentUrl().contains("/console/calls/"));
        String callCost = b.text("#call-cost");
        b.open("/console/calls");
        b.screenshot("console-calls.png");
        b.open("/console/statements?tenant=" + id + "&month=" + month);
        String statementTotal = b.text("#statement-total");
        b.screenshot("console-statement.png");
        String statementCsv = download(b, b.find("#statement-csv").getDomAttribute("href"));
        b.open("/console/statements/" + id + "/print?month=" + month);
        String printedTotal = b.text("#print-total");

        assertThat(key).startsWith("mlg_");
        assertThat(keyShownAgain).as("a new key is shown only once").isFalse();
        assertThat(call.status()).isEqualTo(200);
        assertThat(spent).isEqualTo("0.0047");
        assertThat(usageTotal).isEqualTo("0.0047 USD");
        assertThat(callCost).isEqualTo("0.0047");
        assertThat(consoleCsv).isEqualTo(admin("GET", "/admin/usage?from=" + today + "&to=" + today
                + "&groupBy=tenant,day,model&format=csv", null).body());
        String apiStatement = admin("GET", "/admin/tenants/" + id + "/statement?month=" + month, null).json()
            .path("totalUsd").asString();
        assertThat(statementTotal).isEqualTo(apiStatement + " USD").isEqualTo("0.0047 USD");
        assertThat(printedTotal).isEqualTo(apiStatement + " USD");
        assertThat(statementCsv).isEqualTo(admin("GET", "/admin/tenants/" + id + "/statement?month=" + month
                + "&format=csv", null).body());
    }

    @Test
    void aTenantSeesItsOwnSpendingAndNothingOfAnotherTenants() {
        ConsoleBrowser b = browser();
        TestTenant mine = newTenant().budget("1.00").create();
        TestTenant theirs = tenant();
        text2img(mine.key(), Bodies.text2img("mine"));
        String theirCall = text2img(theirs.key(), Bodies.text2img("theirs")).header("X-Request-Id");
        b.signIn(mine.key());

        String landing = b.driver().getCurrentUrl();
        String spent = b.text("#my-spent");
        b.screenshot("console-tenant-self-service.png");
        String apiSpent = send("GET", "/api/v1/usage", null, Map.of("Authorization", "Bearer " + mine.key())).json()
            .path("spentUsd").asString();
        b.open("/console/me/calls/" + theirCall);
        String otherCall = b.body();
        b.open("/console/calls?tenant=" + theirs.id());
        String allCalls = b.body();
        b.open("/console/me/calls?tenant=" + theirs.id());
        String myCalls = b.body();
        String navigation = b.text("header nav");

        assertThat(landing).endsWith("/console/me");
        assertThat(spent).isEqualTo(apiSpent).isEqualTo("0.0047");
        assertThat(otherCall).contains("404").doesNotContain(theirs.id());
        assertThat(allCalls).contains("403");
        assertThat(myCalls).doesNotContain(theirs.id());
        assertThat(navigation).contains("My usage", "My calls", "My keys").doesNotContain("Tenants", "Statements");
    }

    @Test
    void financeSeesTheMoneyPagesButNoTenantAdministration() {
        ConsoleBrowser b = browser();
        b.signIn("test-finance-token");

        String navigation = b.text("header nav");
        b.open("/console/reconciliation");
        b.screenshot("console-reconciliation.png");
        b.open("/console/prices");
        boolean canSchedule = b.has("#price-form");

        assertThat(navigation).contains("Overview", "Usage", "Statements", "Calls", "Prices", "Reconciliation")
            .doesNotContain("Tenants");
        assertThat(canSchedule).isFalse();
    }

    @Test
    void financePicksAMonthAndDownloadsAChargebackThatIsTheApisToTheCent() {
        ConsoleBrowser b = browser();
        String costCentre = "cc-" + UUID.randomUUID().toString().substring(0, 8);
        admin("POST", "/admin/cost-centres", """
                {"id":"%s","name":"Browser finance","monthlyBudgetUsd":"10"}""".formatted(costCentre));
        TestTenant billed = newTenant().costCentre(costCentre).create();
        text2img(billed.key(), Bodies.text2img("a billed cat"));
        String month = LocalDate.now(ZoneOffset.UTC).toString().substring(0, 7);
        b.signIn("test-finance-token");

        b.find("header nav a[href='/console/chargeback']").click();
        b.waitFor(d -> d.getCurrentUrl().contains("/console/chargeback"));
        b.script("document.querySelector('#chargeback-form input[name=month]').value = arguments[0];", month);
        b.find("#chargeback-form button").click();
        b.waitFor(d -> d.getCurrentUrl().contains("month=" + month));
        String pageTotal = b.text("#chargeback-total");
        String row = b.text("#chargeback-table tbody");
        b.screenshot("console-chargeback.png");
        String consoleCsv = download(b, b.find("#chargeback-csv").getDomAttribute("href"));
        b.find("#chargeback-print").click();
        b.waitFor(d -> d.getCurrentUrl().contains("/console/chargeback/print"));
        String printedTotal = b.text("#print-total");

        String apiTotal = admin("GET", "/admin/chargeback?month=" + month, null).json().path("totalUsd").asString();
        assertThat(consoleCsv).isEqualTo(admin("GET", "/admin/chargeback?month=" + month + "&format=csv", null)
            .body());
        assertThat(consoleCsv).contains(costCentre + "," + billed.id());
        assertThat(row).contains(costCentre, billed.id());
        assertThat(pageTotal).isEqualTo(apiTotal + " USD");
        assertThat(printedTotal).isEqualTo(apiTotal + " USD");
    }

    @Test
    void anAdminOnboardsACostCentreATenantInItAndAKeyWithABudgetInOneFlow() {
        ConsoleBrowser b = browser();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String costCentre = "cc-" + suffix;
        String tenant = "svc-" + suffix;
        b.signIn(ADMIN_TOKEN);

        b.open("/console/cost-centres");
        b.find("#create-cost-centre input[name=id]").sendKeys(costCentre);
        b.find("#create-cost-centre input[name=name]").sendKeys("Onboarding");
        b.find("#create-cost-centre input[name=monthlyBudgetUsd]").sendKeys("250");
        b.find("#create-cost-centre button").click();
        b.waitFor(d -> d.getCurrentUrl().contains("/console/cost-centres/" + costCentre));
        b.open("/console/tenants");
        b.find("#create-tenant input[name=id]").sendKeys(tenant);
        b.find("#create-tenant input[name=name]").sendKeys("Onboarded service");
        new Select(b.find("#create-tenant select[name=costCentre]")).selectByValue(costCentre);
        b.find("#create-tenant button").click();
        b.waitFor(d -> d.getCurrentUrl().contains("/console/tenants/" + tenant));
        b.find("#key-name").sendKeys("production");
        b.find("#key-budget").sendKeys("5.50");
        b.find("#key-rpm").sendKeys("30");
        b.find("#issue-key button").click();
        String key = b.waitFor(d -> d.findElement(By.id("new-key-value"))).getDomAttribute("value");
        String keyBudget = b.text("#key-table .key-budget");
        b.open("/console/cost-centres");
        String listed = b.text("#cost-centre-table tr[data-cost-centre='" + costCentre + "']");
        b.screenshot("console-cost-centres.png");

        var apiKey = admin("GET", "/admin/tenants/" + tenant + "/keys", null).json().get(0);
        assertThat(key).startsWith("mlg_");
        assertThat(keyBudget).isEqualTo("5.5");
        assertThat(new java.math.BigDecimal(apiKey.path("monthlyBudgetUsd").asString())).isEqualByComparingTo("5.50");
        assertThat(apiKey.path("requestsPerMinute").asInt()).isEqualTo(30);
        assertThat(admin("GET", "/admin/tenants/" + tenant, null).json().path("costCentre").asString())
            .isEqualTo(costCentre);
        assertThat(listed).contains(tenant, "250");
    }

    @Test
    void aFormForgedWithoutTheCsrfTokenIsRefused() {
        ConsoleBrowser b = browser();
        String id = "forged-" + UUID.randomUUID().toString().substring(0, 8);
        b.signIn(ADMIN_TOKEN);
        b.open("/console/tenants");

        // What a hostile page would do: post the same form, but it cannot read the token, so it sends none.
        b.script("""
                const form = document.createElement('form');
                form.method = 'post';
                form.action = '/console/tenants';
                for (const [name, value] of [['id', arguments[0]], ['name', 'Forged']]) {
                    const input = document.createElement('input');
                    input.name = name;
                    input.value = value;
                    form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();
                """, id);
        b.waitFor(d -> !d.getCurrentUrl().endsWith("/console/tenants") || d.getPageSource().contains("403"));

        assertThat(admin("GET", "/admin/tenants/" + id, null).status()).isEqualTo(404);
    }

    @Test
    void signingOutEndsTheSessionAndEveryPageAsksToSignInAgain() {
        ConsoleBrowser b = browser();
        b.signIn(ADMIN_TOKEN);

        b.find("header form.who button").click();
        b.waitFor(d -> d.getCurrentUrl().contains("/console/sign-in"));
        String message = b.body();
        b.open("/console/usage");
        String after = b.driver().getCurrentUrl();

        assertThat(message).contains("You are signed out");
        assertThat(after).endsWith("/console/sign-in");
    }

    @Test
    void everyMainPageFitsAPhonesWidth() {
        ConsoleBrowser b = browser();
        b.signIn(ADMIN_TOKEN);
        b.width(390, 844);

        for (String path : new String[] { "/console", "/console/tenants", "/console/usage", "/console/statements",
            "/console/calls", "/console/prices", "/console/reconciliation", "/console/chargeback",
            "/console/cost-centres", "/console/webhooks" }) {
            b.open(path);
            Object tooWide = b.script("""
                    const width = document.documentElement.clientWidth;
                    return [...document.querySelectorAll('body *')]
                        .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('.scroll'))
                        .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
                        .slice(0, 5).join(', ');
                    """);
            assertThat(tooWide).as("elements wider than a phone on " + path).isEqualTo("");
        }
        b.open("/console");
        b.screenshot("console-phone.png");
    }

    /** Fetches a link as the signed-in browser would (same session cookie). */
    private String download(ConsoleBrowser b, String href) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + href))
                .header("Cookie", b.sessionCookie())
                .build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
