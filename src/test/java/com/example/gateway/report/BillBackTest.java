package com.example.gateway.report;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
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
 * Chargeback, cost-centre statements and usage by cost centre, project and tag, over calls written with the
 * attribution admission records (cost centre, project, tags at call time) and adjustments, each test in a month of its
 * own, since the chargeback covers every tenant.
 */
class BillBackTest extends GatewayIntegrationTest {

    private HandMadeLedger ledger;

    @BeforeEach
    void ledger() {
        ledger = new HandMadeLedger(jdbc);
    }

    @Test
    void theChargebacksTotalIsTheMonthsLedgerToTheLastDecimalAndItsCsvSaysTheSame() throws IOException {
        Month m = month("2071-03", "cc-chargeback");
        // A tenant that moved out of its cost centre mid-month: its rows keep the cost centre they had.
        call(m.a(), m.costCentre(), "checkout", "{\"team\":\"web\"}", "success", 2, "0.0094", "2071-03-01T00:00:00Z");
        call(m.a(), m.costCentre(), "checkout", null, "upstream_error", 1, "0", "2071-03-10T10:00:00Z");
        call(m.a(), null, "checkout", null, "success", 1, "0.00470001", "2071-03-31T23:59:59.999999Z");
        call(m.b(), m.costCentre(), null, null, "upstream_timeout", 3, "0.0141", "2071-03-15T12:00:00Z");
        call(m.b(), m.costCentre(), null, null, "success", 1, "0.0047", "2071-04-01T00:00:00Z");
        adjustment(m.a(), m.costCentre(), "checkout", "2071-03-01", "-0.0047");
        adjustment(m.b(), null, "search", "2071-03-01", "0.1");
        adjustment(m.b(), m.costCentre(), null, "2071-04-01", "5");

        JsonNode chargeback = admin("GET", "/admin/chargeback?month=2071-03", null).json();

        assertThat(chargeback.get("month").asString()).isEqualTo("2071-03");
        BigDecimal ledgerTotal = jdbc.sql("""
                SELECT (SELECT coalesce(sum(cost_usd), 0) FROM call_ledger
                        WHERE created_at >= '2071-03-01T00:00:00Z' AND created_at < '2071-04-01T00:00:00Z')
                     + (SELECT coalesce(sum(amount_usd), 0) FROM ledger_adjustment WHERE month = '2071-03-01')
                """).query(BigDecimal.class).single();
        assertThat(new BigDecimal(chargeback.get("totalUsd").asString())).isEqualByComparingTo(ledgerTotal)
            .isEqualByComparingTo("0.12350001");
        assertThat(chargeback.get("costUsd").asString()).isEqualTo("0.02820001");
        assertThat(chargeback.get("adjustmentsUsd").asString()).isEqualTo("0.0953");
        JsonNode rows = chargeback.get("rows");
        assertThat(rows).hasSize(4);
        assertRow(chargebackRow(rows, null, m.a()), null, m.a(), "checkout", 1, 1, "0.00470001", "0", "0.00470001");
        assertRow(chargebackRow(rows, null, m.b()), null, m.b(), "search", 0, 0, "0", "0.1", "0.1");
        assertRow(chargebackRow(rows, m.costCentre(), m.a()), m.costCentre(), m.a(), "checkout", 2, 2, "0.0094",
                "-0.0047", "0.0047");
        assertRow(chargebackRow(rows, m.costCentre(), m.b()), m.costCentre(), m.b(), null, 1, 3, "0.0141", "0",
                "0.0141");
        BigDecimal sumOfRows = BigDecimal.ZERO;
        for (JsonNode row : rows) {
            sumOfRows = sumOfRows.add(new BigDecimal(row.get("totalUsd").asString()));
        }
        assertThat(sumOfRows).isEqualByComparingTo(chargeback.get("totalUsd").asString());

        Response csv = send("GET", "/admin/chargeback?month=2071-03", null,
                Map.of("Authorization", "Bearer " + ADMIN_TOKEN, "Accept", "text/csv"));
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.header("Content-Type")).startsWith("text/csv");
        assertThat(csv.header("Content-Disposition")).contains("chargeback-2071-03.csv");
        assertThat(admin("GET", "/admin/chargeback?month=2071-03&format=csv", null).body()).isEqualTo(csv.body());
        List<CSVRecord> records = parse(csv.body());
        assertThat(records).hasSize(rows.size());
        BigDecimal csvTotal = BigDecimal.ZERO;
        for (int i = 0; i < records.size(); i++) {
            Map<String, String> fromJson = new HashMap<>();
            rows.get(i).properties().forEach(e -> fromJson.put(e.getKey(),
                    e.getValue().isNull() ? "" : e.getValue().asString()));
            fromJson.put("month", "2071-03");
            assertThat(records.get(i).toMap()).isEqualTo(fromJson);
            csvTotal = csvTotal.add(new BigDecimal(records.get(i).get("totalUsd")));
        }
        assertThat(csvTotal).isEqualByComparingTo(ledgerTotal);
    }

    @Test
    void aCostCentresStatementListsItsLinesAndAdjustmentsAndTotalsItsLedger() {
        Month m = month("2072-05", "cc-statement");
        call(m.a(), m.costCentre(), "checkout", null, "success", 2, "0.0094", "2072-05-02T00:00:00Z");
        call(m.a(), m.costCentre(), "checkout", null, "success", 1, "0.0047", "2072-05-03T00:00:00Z");
        call(m.b(), m.costCentre(), null, null, "upstream_error", 1, "0", "2072-05-04T00:00:00Z");
        call(m.b(), "cc-other-" + m.costCentre(), null, null, "success", 1, "0.0047", "2072-05-04T00:00:00Z");
        adjustment(m.a(), m.costCentre(), "checkout", "2072-05-01", "-0.005");
        adjustment(m.b(), "cc-other-" + m.costCentre(), null, "2072-05-01", "1");

        Response response = admin("GET", "/admin/cost-centres/" + m.costCentre() + "/statement?month=2072-05", null);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode statement = response.json();
        assertThat(statement.get("costCentre").asString()).isEqualTo(m.costCentre());
        assertThat(statement.get("monthlyBudgetUsd").asString()).isEqualTo("100");
        JsonNode lines = statement.get("lines");
        assertThat(lines).hasSize(2);
        JsonNode ofA = chargebackRow(lines, null, m.a());
        assertThat(ofA.get("project").asString()).isEqualTo("checkout");
        assertThat(ofA.get("model").asString()).isEqualTo("octoflat");
        assertThat(ofA.get("calls").asLong()).isEqualTo(2);
        assertThat(ofA.get("images").asLong()).isEqualTo(3);
        assertThat(ofA.get("costUsd").asString()).isEqualTo("0.0141");
        JsonNode ofB = chargebackRow(lines, null, m.b());
        assertThat(ofB.get("project").isNull()).isTrue();
        assertThat(ofB.get("billedCalls").asLong()).isZero();
        JsonNode adjustments = statement.get("adjustments");
        assertThat(adjustments).hasSize(1);
        assertThat(adjustments.get(0).get("amountUsd").asString()).isEqualTo("-0.005");
        assertThat(adjustments.get(0).get("kind").asString()).isEqualTo("manual");
        assertThat(adjustments.get(0).get("reason").asString()).isEqualTo("goodwill");
        BigDecimal ledgerTotal = jdbc.sql("""
                SELECT (SELECT coalesce(sum(cost_usd), 0) FROM call_ledger WHERE cost_centre_id = :cc
                        AND created_at >= '2072-05-01T00:00:00Z' AND created_at < '2072-06-01T00:00:00Z')
                     + (SELECT coalesce(sum(amount_usd), 0) FROM ledger_adjustment
                        WHERE cost_centre_id = :cc AND month = '2072-05-01')
                """).param("cc", m.costCentre()).query(BigDecimal.class).single();
        assertThat(statement.get("callsUsd").asString()).isEqualTo("0.0141");
        assertThat(statement.get("adjustmentsUsd").asString()).isEqualTo("-0.005");
        assertThat(statement.get("totalUsd").asString()).isEqualTo("0.0091");
        assertThat(new BigDecimal(statement.get("totalUsd").asString())).isEqualByComparingTo(ledgerTotal);

        Response csv = admin("GET", "/admin/cost-centres/" + m.costCentre() + "/statement?month=2072-05&format=csv",
                null);
        assertThat(csv.body().lines().toList()).hasSize(4).last().asString().contains("manual,goodwill");
    }

    @Test
    void anUnknownCostCentreIs404AndABadMonth400InTheErrorDialect() {
        Response unknown = admin("GET", "/admin/cost-centres/no-such-centre/statement?month=2072-05", null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("not_found");
        assertThat(unknown.json().get("status").asString()).isEqualTo("error");

        for (String path : List.of("/admin/chargeback?month=2072-13", "/admin/chargeback?month=72-01",
                "/admin/chargeback?format=xml", "/admin/usage?from=2072-01-01&to=2072-01-31&groupBy=tag:",
                "/admin/usage?from=2072-01-01&to=2072-01-31&groupBy=tag:a,tag:b",
                "/admin/usage?from=2072-01-01&to=2072-01-31&costCentre=Not_A_Centre",
                "/admin/usage?from=2072-01-01&to=2072-01-31&project=" + "p".repeat(65))) {
            Response response = admin("GET", path, null);
            assertThat(response.status()).as(path).isEqualTo(400);
            assertThat(response.code()).as(path).isEqualTo("invalid_request");
        }
    }

    @Test
    void usageGroupsAndFiltersByCostCentreProjectAndTagWithAdjustmentsAsRowsOfTheirOwn() throws IOException {
        Month m = month("2073-07", "cc-usage");
        call(m.a(), m.costCentre(), "checkout", "{\"team\":\"web\",\"env\":\"prod\"}", "success", 1, "0.0047",
                "2073-07-01T10:00:00Z");
        call(m.a(), m.costCentre(), "search", "{\"team\":\"data\"}", "success", 2, "0.0094", "2073-07-02T10:00:00Z");
        call(m.b(), null, "checkout", "{\"team\":\"web\"}", "success", 1, "0.0047", "2073-07-02T11:00:00Z");
        call(m.b(), null, null, null, "upstream_error", 1, "0", "2073-07-03T11:00:00Z");
        adjustment(m.a(), m.costCentre(), "checkout", "2073-07-01", "-0.001");
        String range = "/admin/usage?from=2073-07-01&to=2073-07-31";

        JsonNode byCentreAndProject = admin("GET", range + "&groupBy=costCentre,project", null).json();
        assertThat(byCentreAndProject.get("groupBy").toString()).isEqualTo("[\"costCentre\",\"project\"]");
        assertThat(byCentreAndProject.get("rows")).hasSize(4);
        JsonNode checkout = find(byCentreAndProject, m.costCentre(), "checkout");
        assertThat(checkout.get("calls").asLong()).isEqualTo(1);
        assertThat(checkout.get("costUsd").asString()).isEqualTo("0.0047");
        assertThat(checkout.get("adjustmentsUsd").asString()).isEqualTo("-0.001");
        assertThat(checkout.get("totalUsd").asString()).isEqualTo("0.0037");
        assertThat(byCentreAndProject.get("total").get("totalUsd").asString()).isEqualTo("0.0178");

        JsonNode filtered = admin("GET", range + "&groupBy=tenant,project&costCentre=" + m.costCentre(), null).json();
        assertThat(filtered.get("rows")).hasSize(2);
        assertThat(filtered.get("total").get("calls").asLong()).isEqualTo(2);
        assertThat(filtered.get("total").get("totalUsd").asString()).isEqualTo("0.0131");
        JsonNode byProject = admin("GET", range + "&groupBy=tenant&project=checkout&tenant=" + m.b(), null).json();
        assertThat(byProject.get("rows")).hasSize(1);
        assertThat(byProject.get("total").get("costUsd").asString()).isEqualTo("0.0047");

        JsonNode byTag = admin("GET", range + "&groupBy=tag:team&tenant=" + m.a(), null).json();
        assertThat(byTag.get("groupBy").toString()).isEqualTo("[\"tag:team\"]");
        // web, data, and the adjustment, which has no tags.
        assertThat(byTag.get("rows")).hasSize(3);
        assertThat(byTag.get("rows").get(0).get("tag").asString()).isEqualTo("data");
        assertThat(byTag.get("rows").get(2).has("tag")).isFalse();
        assertThat(byTag.get("rows").get(2).get("adjustmentsUsd").asString()).isEqualTo("-0.001");
        assertThat(byTag.get("total").get("totalUsd").asString()).isEqualTo("0.0131");

        String byDay = range + "&groupBy=day,costCentre&tenant=" + m.a();
        JsonNode days = admin("GET", byDay, null).json();
        assertThat(days.get("rows")).hasSize(3);
        JsonNode adjustmentRow = days.get("rows").get(2);
        assertThat(adjustmentRow.has("day")).isFalse();
        assertThat(adjustmentRow.get("calls").asLong()).isZero();
        assertThat(adjustmentRow.get("totalUsd").asString()).isEqualTo("-0.001");

        Response csv = admin("GET", byDay + "&format=csv", null);
        assertThat(csv.body().lines().findFirst().orElseThrow()).isEqualTo(
                "day,costCentre,calls,billedCalls,failedCalls,images,costUsd,adjustmentsUsd,totalUsd");
        List<CSVRecord> records = parse(csv.body());
        assertThat(records).hasSize(3);
        for (int i = 0; i < records.size(); i++) {
            Map<String, String> fromJson = new HashMap<>();
            days.get("rows").get(i).properties().forEach(e -> fromJson.put(e.getKey(), e.getValue().asString()));
            fromJson.putIfAbsent("day", "");
            assertThat(records.get(i).toMap()).isEqualTo(fromJson);
        }
    }

    @Test
    void aTenantSeesItsOwnProjectsAndNoOtherTenants() {
        Month m = month("2074-02", "cc-self");
        call(m.a(), m.costCentre(), "checkout", null, "success", 1, "0.0047", "2074-02-01T10:00:00Z");
        call(m.a(), m.costCentre(), null, null, "success", 1, "0.0047", "2074-02-01T11:00:00Z");
        call(m.b(), null, "secret-project", null, "success", 1, "0.0047", "2074-02-01T10:00:00Z");
        adjustment(m.a(), m.costCentre(), "checkout", "2074-02-01", "-0.002");

        Response response = send("GET", "/api/v1/usage?month=2074-02&groupBy=project", null,
                Map.of("Authorization", "Bearer " + m.aKey()));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode projects = response.json().get("projects");
        assertThat(projects).hasSize(2);
        assertThat(projects.get(0).get("project").isNull()).isTrue();
        assertThat(projects.get(0).get("costUsd").asString()).isEqualTo("0.0047");
        assertThat(projects.get(1).get("project").asString()).isEqualTo("checkout");
        assertThat(projects.get(1).get("adjustmentsUsd").asString()).isEqualTo("-0.002");
        assertThat(projects.get(1).get("totalUsd").asString()).isEqualTo("0.0027");
        assertThat(response.json().get("spentUsd").asString()).isEqualTo("0.0074");
        assertThat(response.body()).doesNotContain("secret-project");
        assertThat(send("GET", "/api/v1/usage?month=2074-02", null, Map.of("Authorization", "Bearer " + m.aKey()))
            .json()
            .has("projects")).isFalse();
        Response bad = send("GET", "/api/v1/usage?month=2074-02&groupBy=model", null,
                Map.of("Authorization", "Bearer " + m.aKey()));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.code()).isEqualTo("invalid_request");
    }

    @Test
    void reportsOfAMonthReadOnlyThatMonthsPartition() {
        jdbc.sql("SELECT create_call_ledger_partition('2075-09-01')").query(Boolean.class).single();
        String plan = String.join("\n", jdbc.sql("EXPLAIN " + ReportStatements.CHARGEBACK
                .replace(":fromDay", "'2075-09-01'::date")
                .replace(":rollupUntil", "'2075-09-01'::date")
                .replace(":rawFrom", "'2075-09-01T00:00:00Z'::timestamptz")
                .replace(":from", "'2075-09-01T00:00:00Z'::timestamptz")
                .replace(":to", "'2075-10-01T00:00:00Z'::timestamptz")
                .replace(":month", "'2075-09-01'::date")).query(String.class).list());

        assertThat(plan).contains("call_ledger_2075_09").doesNotContain("call_ledger_legacy")
            .doesNotContain("call_ledger_default");
    }

    private record Month(String costCentre, String a, String aKey, String b) {
    }

    /** A cost centre (budget 100) and two tenants for the month's test. */
    private Month month(String month, String prefix) {
        String costCentre = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        for (String id : List.of(costCentre, "cc-other-" + costCentre)) {
            jdbc.sql("""
                    INSERT INTO cost_centre (id, name, monthly_budget_usd, created_at, updated_at)
                    VALUES (?, 'Cost centre of ' || ?, 100, now(), now())
                    """).params(id, month).update();
        }
        TestTenant a = tenant();
        TestTenant b = tenant();
        return new Month(costCentre, a.id(), a.key(), b.id());
    }

    private void call(String tenant, String costCentre, String project, String tags, String outcome, int images,
            String cost, String createdAt) {
        UUID id = ledger.call(tenant, ledger.keyOf(tenant), "octoflat", outcome, images, cost, createdAt);
        jdbc.sql("""
                UPDATE call_ledger SET cost_centre_id = :cc, project = :project, tags = :tags::jsonb
                WHERE request_id = :id AND created_at = :at
                """)
            .param("cc", costCentre)
            .param("project", project)
            .param("tags", tags)
            .param("id", id)
            .param("at", Instant.parse(createdAt).atOffset(ZoneOffset.UTC))
            .update();
    }

    private void adjustment(String tenant, String costCentre, String project, String month, String amount) {
        jdbc.sql("""
                INSERT INTO ledger_adjustment (id, tenant_id, cost_centre_id, project, month, amount_usd, reason, kind,
                                               created_at)
                VALUES (gen_random_uuid(), :tenant, :cc, :project, :month::date, :amount, 'goodwill', 'manual', now())
                """)
            .param("tenant", tenant)
            .param("cc", costCentre)
            .param("project", project)
            .param("month", month)
            .param("amount", new BigDecimal(amount))
            .update();
    }

    /** The row of the tenant, and of the cost centre unless the rows have none. */
    private static JsonNode chargebackRow(JsonNode rows, String costCentre, String tenant) {
        for (JsonNode row : rows) {
            boolean centreMatches = !row.has("costCentre") || (costCentre == null ? row.get("costCentre").isNull()
                    : costCentre.equals(row.get("costCentre").asString(null)));
            if (centreMatches && tenant.equals(row.get("tenant").asString())) {
                return row;
            }
        }
        throw new AssertionError("no row " + costCentre + "/" + tenant + " in " + rows);
    }

    private static JsonNode find(JsonNode report, String costCentre, String project) {
        for (JsonNode row : report.get("rows")) {
            if (costCentre.equals(row.path("costCentre").asString(null))
                    && project.equals(row.path("project").asString(null))) {
                return row;
            }
        }
        throw new AssertionError("no row " + costCentre + "/" + project + " in " + report);
    }

    private static void assertRow(JsonNode row, String costCentre, String tenant, String project, long calls,
            long images, String cost, String adjustments, String total) {
        assertThat(row.get("costCentre").isNull() ? null : row.get("costCentre").asString()).isEqualTo(costCentre);
        assertThat(row.get("tenant").asString()).isEqualTo(tenant);
        assertThat(row.get("project").isNull() ? null : row.get("project").asString()).isEqualTo(project);
        assertThat(row.get("calls").asLong()).isEqualTo(calls);
        assertThat(row.get("images").asLong()).isEqualTo(images);
        assertThat(row.get("costUsd").asString()).isEqualTo(cost);
        assertThat(row.get("adjustmentsUsd").asString()).isEqualTo(adjustments);
        assertThat(row.get("totalUsd").asString()).isEqualTo(total);
    }

    private static List<CSVRecord> parse(String csv) throws IOException {
        try (CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
            .parse(new StringReader(csv))) {
            return new ArrayList<>(parser.getRecords());
        }
    }
}
