package com.example.gateway.report;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.example.gateway.support.GatewayIntegrationTest;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class StatementTest extends GatewayIntegrationTest {

    private HandMadeLedger ledger;

    @BeforeEach
    void ledger() {
        ledger = new HandMadeLedger(jdbc);
    }

    @Test
    void listsEachDayAndModelOfTheUtcMonthWithTheTenantsLimits() {
        TestTenant tenant = newTenant().budget("10.5").dailyLimit(100).perMinute(10).maxConcurrent(3).create();
        UUID key = ledger.keyOf(tenant.id());
        ledger.call(tenant.id(), key, "octoflat", "success", 1, "0.0047", "2041-02-28T23:59:59.999999Z");
        ledger.call(tenant.id(), key, "octoflat", "success", 2, "0.0094", "2041-03-01T00:00:00Z");
        ledger.call(tenant.id(), key, "octoflat", "upstream_error", 4, "0", "2041-03-01T08:00:00Z");
        ledger.call(tenant.id(), key, "premium", "success", 3, "0.03", "2041-03-01T09:00:00Z");
        ledger.call(tenant.id(), key, "premium", "upstream_timeout", 1, "0.01", "2041-03-31T23:59:59.999999Z");
        ledger.call(tenant.id(), key, "premium", "success", 1, "0.01", "2041-04-01T00:00:00Z");

        Response response = admin("GET", "/admin/tenants/" + tenant.id() + "/statement?month=2041-03", null);

        assertThat(response.status()).isEqualTo(200);
        JsonNode statement = response.json();
        assertThat(statement.get("tenant").asString()).isEqualTo(tenant.id());
        assertThat(statement.get("month").asString()).isEqualTo("2041-03");
        assertThat(statement.get("monthlyBudgetUsd").asString()).isEqualTo("10.5");
        assertThat(statement.get("dailyRequestLimit").asInt()).isEqualTo(100);
        assertThat(statement.get("requestsPerMinute").asInt()).isEqualTo(10);
        assertThat(statement.get("maxConcurrent").asInt()).isEqualTo(3);
        JsonNode lines = statement.get("lines");
        assertThat(lines).hasSize(3);
        assertLine(lines.get(0), "2041-03-01", "octoflat", 2, 1, 2, "0.0094");
        assertLine(lines.get(1), "2041-03-01", "premium", 1, 1, 3, "0.03");
        assertLine(lines.get(2), "2041-03-31", "premium", 1, 1, 1, "0.01");
        assertThat(statement.get("calls").asLong()).isEqualTo(4);
        assertThat(statement.get("totalUsd").asString()).isEqualTo("0.0494");
    }

    @Test
    void totalsExactlyTheTenantsLedgerRowsOfTheMonthToTheLastDecimal() {
        TestTenant tenant = tenant();
        TestTenant other = tenant();
        UUID key = ledger.keyOf(tenant.id());
        UUID otherKey = ledger.keyOf(other.id());
        Instant start = Instant.parse("2042-06-01T00:00:00Z");
        // Eight-decimal prices that a binary float cannot hold, spread over the month's 30 days.
        for (int i = 0; i < 300; i++) {
            Instant at = start.plusSeconds(i * 8_639L);
            String cost = "0.%08d".formatted(1_234_567 + i * 7_919);
            ledger.call(UUID.randomUUID(), tenant.id(), key, i % 3 == 0 ? "premium" : "octoflat", "success", 1,
                    cost, at);
            ledger.call(UUID.randomUUID(), other.id(), otherKey, "octoflat", "success", 1, "1.00000001", at);
        }

        JsonNode statement = admin("GET", "/admin/tenants/" + tenant.id() + "/statement?month=2042-06", null).json();

        BigDecimal ledgerTotal = jdbc.sql("""
                SELECT sum(cost_usd) FROM call_ledger
                WHERE tenant_id = ? AND created_at >= '2042-06-01T00:00:00Z' AND created_at < '2042-07-01T00:00:00Z'
                """)
            .param(tenant.id())
            .query(BigDecimal.class)
            .single();
        BigDecimal sumOfLines = BigDecimal.ZERO;
        for (JsonNode line : statement.get("lines")) {
            sumOfLines = sumOfLines.add(new BigDecimal(line.get("costUsd").asString()));
        }
        assertThat(statement.get("totalUsd").asString()).isEqualTo(ledgerTotal.stripTrailingZeros().toPlainString());
        assertThat(sumOfLines).isEqualByComparingTo(ledgerTotal);
        assertThat(statement.get("calls").asLong()).isEqualTo(300);
        assertThat(statement.get("lines")).hasSize(60);
    }

    @Test
    void coversTheCurrentMonthByDefaultIncludingCallsMadeThroughTheGateway() {
        TestTenant tenant = newTenant().budget("1.00").create();
        text2img(tenant.key(), """
                {"prompt":"a cat","samples":2}""");
        text2img(tenant.key(), """
                {"prompt":"a cat","model_id":"premium"}""");

        JsonNode statement = admin("GET", "/admin/tenants/" + tenant.id() + "/statement", null).json();

        assertThat(statement.get("month").asString()).isEqualTo(YearMonth.now(ZoneOffset.UTC).toString());
        assertThat(new BigDecimal(statement.get("totalUsd").asString())).isEqualByComparingTo(ledgerSum(tenant.id()))
            .isEqualByComparingTo("0.0194");
        assertThat(statement.get("billedCalls").asLong()).isEqualTo(2);
        assertThat(statement.get("images").asLong()).isEqualTo(3);
    }

    @Test
    void answersTheSameLinesAsCsv() throws IOException {
        TestTenant tenant = tenant();
        UUID key = ledger.keyOf(tenant.id());
        ledger.call(tenant.id(), key, "octoflat", "success", 1, "0.0047", "2043-01-05T10:00:00Z");
        ledger.call(tenant.id(), key, "flat-call", "success", 3, "0.02", "2043-01-05T11:00:00Z");
        ledger.call(tenant.id(), key, "octoflat", "success", 2, "0.0094", "2043-01-20T10:00:00Z");
        String path = "/admin/tenants/" + tenant.id() + "/statement?month=2043-01";

        JsonNode json = admin("GET", path, null).json();
        Response csv = send("GET", path, null, Map.of("Authorization", "Bearer " + ADMIN_TOKEN, "Accept", "text/csv"));

        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.header("Content-Disposition")).contains("statement-" + tenant.id() + "-2043-01.csv");
        assertThat(csv.body().lines().findFirst().orElseThrow())
            .isEqualTo("day,model,unitPriceUsd,calls,billedCalls,images,costUsd");
        List<CSVRecord> records = UsageReportTest.parse(csv.body());
        assertThat(records).hasSize(3);
        for (int i = 0; i < records.size(); i++) {
            JsonNode line = json.get("lines").get(i);
            for (String column : List.of("day", "model", "calls", "billedCalls", "images", "costUsd")) {
                assertThat(records.get(i).get(column)).as(column).isEqualTo(line.get(column).asString());
            }
        }
        assertThat(admin("GET", path + "&format=csv", null).body()).isEqualTo(csv.body());
    }

    @Test
    void answersNotFoundForAnUnknownTenantAndInvalidRequestForABadMonth() {
        TestTenant tenant = tenant();

        Response unknown = admin("GET", "/admin/tenants/no-such-tenant/statement?month=2041-03", null);
        Response badMonth = admin("GET", "/admin/tenants/" + tenant.id() + "/statement?month=2041-13", null);
        Response notAMonth = admin("GET", "/admin/tenants/" + tenant.id() + "/statement?month=March", null);

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("not_found");
        assertThat(badMonth.status()).isEqualTo(400);
        assertThat(badMonth.code()).isEqualTo("invalid_request");
        assertThat(notAMonth.status()).isEqualTo(400);
    }

    private static void assertLine(JsonNode line, String day, String model, long calls, long billed, long images,
            String cost) {
        assertThat(line.get("day").asString()).isEqualTo(day);
        assertThat(line.get("model").asString()).isEqualTo(model);
        assertThat(line.get("calls").asLong()).isEqualTo(calls);
        assertThat(line.get("billedCalls").asLong()).isEqualTo(billed);
        assertThat(line.get("images").asLong()).isEqualTo(images);
        assertThat(line.get("costUsd").asString()).isEqualTo(cost);
    }
}
