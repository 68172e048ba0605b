package com.example.gateway.report;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.example.gateway.support.GatewayIntegrationTest;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Usage across tenants against a ledger computed by hand. Only this class writes calls dated 2031 to 2034, one year per
 * test, so totals over those dates are the test's alone.
 */
class UsageReportTest extends GatewayIntegrationTest {

    private HandMadeLedger ledger;

    @BeforeEach
    void ledger() {
        ledger = new HandMadeLedger(jdbc);
    }

    /** Two tenants, calls on both sides of the January/February and February/March boundaries (UTC). */
    private record February(TestTenant a, UUID a1, UUID a2, TestTenant b, UUID b1) {
    }

    private February february(int year) {
        TestTenant a = tenant();
        newKeyNamed(a.id(), "second");
        TestTenant b = tenant();
        UUID a1 = ledger.keyOf(a.id());
        UUID a2 = ledger.keyOf(a.id(), "second");
        UUID b1 = ledger.keyOf(b.id());
        ledger.call(a.id(), a1, "octoflat", "success", 1, "0.0047", year + "-01-31T23:59:59.999999Z");
        ledger.call(a.id(), a1, "octoflat", "upstream_error", 2, "0", year + "-02-01T00:00:00Z");
        ledger.call(a.id(), a2, "premium", "success", 2, "0.02", year + "-02-01T00:00:00.000001Z");
        ledger.call(a.id(), a1, "octoflat", "upstream_rejected", 1, "0", year + "-02-10T10:00:00Z");
        ledger.call(b.id(), b1, "octoflat", "processing", 4, "0.0188", year + "-02-14T12:00:00Z");
        ledger.call(a.id(), a2, "premium", "upstream_timeout", 3, "0.03", year + "-02-28T23:59:59.999999Z");
        ledger.call(b.id(), b1, "flat-call", "success", 3, "0.02", year + "-03-01T00:00:00Z");
        return new February(a, a1, a2, b, b1);
    }

    @Test
    void sumsEachTenantsCallsOfTheUtcDaysAskedForAndNothingOutside() {
        February f = february(2031);

        Response response = admin("GET", "/admin/usage?from=2031-02-01&to=2031-02-28&groupBy=tenant", null);

        assertThat(response.status()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.get("rows")).hasSize(2);
        assertRow(row(body, "tenant", f.a().id()), 4, 2, 3, 5, "0.05");
        assertRow(row(body, "tenant", f.b().id()), 1, 1, 0, 4, "0.0188");
        assertRow(body.get("total"), 5, 3, 3, 9, "0.0688");
        assertThat(row(body, "tenant", f.a().id()).has("day")).as("only grouped dimensions").isFalse();
        assertThat(row(body, "tenant", f.a().id()).has("key")).isFalse();
        assertThat(body.get("groupBy").get(0).asString()).isEqualTo("tenant");
    }

    @Test
    void countsTheLastMicrosecondOfADayInThatDayAndMidnightInTheNext() {
        February f = february(2032);

        JsonNode lastOfJanuary = admin("GET", "/admin/usage?from=2032-01-31&to=2032-01-31", null).json();
        JsonNode byDay = admin("GET", "/admin/usage?from=2032-01-31&to=2032-03-01&groupBy=tenant,day", null).json();

        assertRow(lastOfJanuary.get("total"), 1, 1, 0, 1, "0.0047");
        assertRow(dayRow(byDay, f.a().id(), "2032-01-31"), 1, 1, 0, 1, "0.0047");
        assertRow(dayRow(byDay, f.a().id(), "2032-02-01"), 2, 1, 1, 2, "0.02");
        assertRow(dayRow(byDay, f.a().id(), "2032-02-10"), 1, 0, 1, 0, "0");
        assertRow(dayRow(byDay, f.a().id(), "2032-02-28"), 1, 1, 1, 3, "0.03");
        assertRow(dayRow(byDay, f.b().id(), "2032-02-14"), 1, 1, 0, 4, "0.0188");
        assertRow(dayRow(byDay, f.b().id(), "2032-03-01"), 1, 1, 0, 3, "0.02");
        assertThat(byDay.get("rows")).hasSize(6);
        assertRow(byDay.get("total"), 7, 5, 3, 13, "0.0935");
    }

    @Test
    void groupsByKeyWithItsPrefixAndByModel() {
        February f = february(2033);

        JsonNode byKey = admin("GET", "/admin/usage?from=2033-02-01&to=2033-02-28&groupBy=key", null).json();
        JsonNode byModel = admin("GET", "/admin/usage?from=2033-02-01&to=2033-02-28&groupBy=model", null).json();

        assertRow(row(byKey, "key", f.a1().toString()), 2, 0, 2, 0, "0");
        assertRow(row(byKey, "key", f.a2().toString()), 2, 2, 1, 5, "0.05");
        assertRow(row(byKey, "key", f.b1().toString()), 1, 1, 0, 4, "0.0188");
        assertThat(row(byKey, "key", f.a1().toString()).get("keyPrefix").asString()).startsWith("mlg_");
        assertThat(row(byKey, "key", f.a1().toString()).has("tenant")).isFalse();
        assertThat(byModel.get("rows")).hasSize(2);
        assertRow(row(byModel, "model", "octoflat"), 3, 1, 2, 4, "0.0188");
        assertRow(row(byModel, "model", "premium"), 2, 2, 1, 5, "0.05");
        assertRow(byModel.get("total"), 5, 3, 3, 9, "0.0688");
    }

    @Test
    void answersTheSameRowsAsCsvWhenAskedByAcceptOrByFormat() throws IOException {
        February f = february(2034);
        String query = "/admin/usage?from=2034-01-01&to=2034-03-31&groupBy=key,day,tenant,model";

        JsonNode json = admin("GET", query, null).json();
        Response byAccept = send("GET", query, null,
                Map.of("Authorization", "Bearer " + ADMIN_TOKEN, "Accept", "text/csv"));
        Response byFormat = admin("GET", query + "&format=csv", null);

        assertThat(byAccept.status()).isEqualTo(200);
        assertThat(byAccept.header("Content-Type")).startsWith("text/csv");
        assertThat(byAccept.header("Content-Disposition")).contains("usage-2034-01-01-2034-03-31.csv");
        assertThat(byFormat.body()).isEqualTo(byAccept.body());
        assertThat(byAccept.body().lines().findFirst().orElseThrow())
            .isEqualTo("tenant,day,model,key,keyPrefix,calls,billedCalls,failedCalls,images,costUsd,adjustmentsUsd,"
                    + "totalUsd");
        List<CSVRecord> records = parse(byAccept.body());
        assertThat(records).hasSize(json.get("rows").size()).hasSize(7);
        List<Map<String, String>> fromJson = new ArrayList<>();
        json.get("rows").forEach(row -> {
            Map<String, String> values = new HashMap<>();
            row.properties().forEach(e -> values.put(e.getKey(), e.getValue().asString()));
            fromJson.add(values);
        });
        assertThat(records.stream().map(CSVRecord::toMap).toList()).isEqualTo(fromJson);
        assertThat(records.stream().filter(r -> r.get("tenant").equals(f.a().id())).count()).isEqualTo(5);
    }

    @Test
    void refusesBadParametersInTheErrorDialect() {
        List<String> bad = List.of(
                "/admin/usage?from=2031-02-30&to=2031-03-01",
                "/admin/usage?from=2031-2-1&to=2031-03-01",
                "/admin/usage?from=2031-03-02&to=2031-03-01",
                "/admin/usage?to=2031-03-01",
                "/admin/usage?from=2031-01-01&to=2032-01-02",
                "/admin/usage?from=2031-01-01&to=2031-01-02&groupBy=team",
                "/admin/usage?from=2031-01-01&to=2031-01-02&groupBy=tenant,",
                "/admin/usage?from=2031-01-01&to=2031-01-02&format=xml");

        for (String path : bad) {
            Response response = admin("GET", path, null);
            assertThat(response.status()).as(path).isEqualTo(400);
            assertThat(response.code()).as(path).isEqualTo("invalid_request");
            assertThat(response.json().get("status").asString()).isEqualTo("error");
        }
        Response csvAsked = send("GET", bad.getFirst(), null,
                Map.of("Authorization", "Bearer " + ADMIN_TOKEN, "Accept", "text/csv"));
        assertThat(csvAsked.status()).isEqualTo(400);
        assertThat(csvAsked.code()).as("errors stay JSON when CSV was asked for").isEqualTo("invalid_request");
        assertThat(admin("GET", "/admin/usage?from=2031-01-01&to=2031-12-31", null).status())
            .as("a whole year is allowed")
            .isEqualTo(200);
    }

    @Test
    void refusesATenantKey() {
        TestTenant tenant = tenant();

        Response response = send("GET", "/admin/usage?from=2031-01-01&to=2031-01-31", null,
                Map.of("Authorization", "Bearer " + tenant.key()));

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.code()).isEqualTo("invalid_key");
    }

    private void newKeyNamed(String tenantId, String name) {
        Response key = admin("POST", "/admin/tenants/" + tenantId + "/keys", """
                {"name":"%s"}""".formatted(name));
        assertThat(key.status()).isEqualTo(201);
    }

    private static JsonNode row(JsonNode report, String field, String value) {
        for (JsonNode row : report.get("rows")) {
            if (row.path(field).asString().equals(value)) {
                return row;
            }
        }
        throw new AssertionError("no row with " + field + "=" + value + " in " + report);
    }

    private static JsonNode dayRow(JsonNode report, String tenant, String day) {
        for (JsonNode row : report.get("rows")) {
            if (row.get("tenant").asString().equals(tenant) && row.get("day").asString().equals(day)) {
                return row;
            }
        }
        throw new AssertionError("no row for " + tenant + " on " + day + " in " + report);
    }

    private static void assertRow(JsonNode row, long calls, long billed, long failed, long images, String cost) {
        assertThat(row.get("calls").asLong()).as("calls in %s", row).isEqualTo(calls);
        assertThat(row.get("billedCalls").asLong()).as("billedCalls in %s", row).isEqualTo(billed);
        assertThat(row.get("failedCalls").asLong()).as("failedCalls in %s", row).isEqualTo(failed);
        assertThat(row.get("images").asLong()).as("images in %s", row).isEqualTo(images);
        assertThat(row.get("costUsd").isString()).as("money is a string").isTrue();
        assertThat(row.get("costUsd").asString()).as("costUsd in %s", row).isEqualTo(cost);
    }

    static List<CSVRecord> parse(String csv) throws IOException {
        try (CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
            .parse(new StringReader(csv))) {
            return parser.getRecords();
        }
    }
}
