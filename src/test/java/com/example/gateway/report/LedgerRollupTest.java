package com.example.gateway.report;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import com.example.gateway.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sums of sealed days give the same reports as the ledger, to the last decimal, however much of a month is
 * sealed. In a schema of its own, since sealing past days under the other tests' rows would hide them.
 */
class LedgerRollupTest {

    private static final Instant NOW = Instant.parse("2020-02-10T12:00:00Z");

    private Connection connection;
    private String schema;
    private JdbcClient jdbc;
    private LedgerReports reports;
    private SingleConnectionDataSource dataSource;

    @BeforeEach
    void schema() throws Exception {
        TestDatabase db = TestDatabase.get();
        schema = "rollup_" + UUID.randomUUID().toString().substring(0, 8);
        connection = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
        connection.createStatement().execute("CREATE SCHEMA " + schema);
        dataSource = new SingleConnectionDataSource(connection, true);
        Flyway.configure()
            .dataSource(dataSource)
            .schemas(schema)
            .configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
            .load()
            .migrate();
        connection.createStatement().execute("SET search_path TO " + schema);
        jdbc = JdbcClient.create(dataSource);
        reports = new LedgerReports(new Reports(dataSource));
        jdbc.sql("INSERT INTO cost_centre (id, name, created_at, updated_at) VALUES ('cc-0', 'A', now(), now()), "
                + "('cc-1', 'B', now(), now())").update();
        jdbc.sql("INSERT INTO tenant (id, name, created_at, updated_at) SELECT 't' || g, 'T', now(), now() "
                + "FROM generate_series(1, 3) g").update();
        jdbc.sql("INSERT INTO api_key (id, tenant_id, name, prefix, key_hash, created_at) "
                + "SELECT gen_random_uuid(), 't' || g, 'k', 'mlg_t' || g, int4send(g), now() FROM generate_series(1, 3) g")
            .update();
        // Calls every 37 minutes from mid-December to the day before NOW, with every attribution there is.
        jdbc.sql("""
                INSERT INTO call_ledger (request_id, tenant_id, key_id, model_id, endpoint, outcome, images, cost_usd,
                                         created_at, settled_at, cost_centre_id, project, tags)
                SELECT gen_random_uuid(), k.tenant_id, k.id, (ARRAY['octoflat', 'premium'])[1 + g % 2], 'text2img',
                       CASE WHEN g % 11 = 0 THEN 'upstream_error' WHEN g % 13 = 0 THEN 'upstream_timeout'
                            ELSE 'success' END,
                       1 + g % 3,
                       CASE WHEN g % 11 = 0 THEN 0 ELSE (1 + g % 3) * 0.00470001 END,
                       timestamptz '2019-12-15T00:00:00Z' + g * interval '37 minutes', now(),
                       CASE WHEN g % 4 = 0 THEN NULL ELSE 'cc-' || (g % 2) END,
                       CASE WHEN g % 5 = 0 THEN NULL ELSE 'p' || (g % 3) END,
                       CASE WHEN g % 6 = 0 THEN NULL ELSE jsonb_build_object('team', 'team' || (g % 4)) END
                FROM generate_series(0, 2100) g
                JOIN api_key k ON k.tenant_id = 't' || (1 + g % 3)
                """).update();
        jdbc.sql("""
                INSERT INTO ledger_adjustment (id, tenant_id, cost_centre_id, project, month, amount_usd, reason, kind,
                                               created_at)
                VALUES (gen_random_uuid(), 't1', 'cc-1', 'p1', '2020-01-01', -0.12345678, 'credit', 'manual', now()),
                       (gen_random_uuid(), 't2', NULL, NULL, '2020-01-01', 1.5, 'debit', 'manual', now())
                """).update();
    }

    @AfterEach
    void drop() throws Exception {
        connection.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
        connection.close();
    }

    @Test
    void reportsOverSealedDaysEqualReportsOverTheLedger() {
        String chargeback = chargeback();
        String usage = usage("tenant,day,model,key,costCentre,project");
        String byCentre = usage("costCentre,project");
        String byTag = usage("tag:team,costCentre");
        String statement = reports.costCentreStatement("cc-1", YearMonth.of(2020, 1)).toString();

        // Half the month, then all of it and more.
        LedgerRollup rollup = rollup(Duration.ofDays(25).plusHours(12));
        assertThat(rollup.sealDue()).isEqualTo(17 + 15);
        assertThat(sealedUntil()).isEqualTo(LocalDate.of(2020, 1, 16));
        assertThat(chargeback()).isEqualTo(chargeback);
        assertThat(usage("tenant,day,model,key,costCentre,project")).isEqualTo(usage);
        assertThat(usage("costCentre,project")).isEqualTo(byCentre);
        assertThat(reports.costCentreStatement("cc-1", YearMonth.of(2020, 1)).toString()).isEqualTo(statement);

        rollup(Duration.ofDays(1)).sealDue();
        assertThat(sealedUntil()).isEqualTo(LocalDate.of(2020, 2, 9));
        assertThat(chargeback()).isEqualTo(chargeback);
        assertThat(usage("tenant,day,model,key,costCentre,project")).isEqualTo(usage);
        assertThat(usage("costCentre,project")).isEqualTo(byCentre);
        assertThat(usage("tag:team,costCentre")).isEqualTo(byTag);
        assertThat(reports.costCentreStatement("cc-1", YearMonth.of(2020, 1)).toString()).isEqualTo(statement);
        assertThat(jdbc.sql("SELECT sum(calls) FROM call_ledger_daily WHERE day < '2020-02-01'").query(Long.class).single())
            .isEqualTo(jdbc.sql("SELECT count(*) FROM call_ledger WHERE created_at < '2020-02-01'")
                .query(Long.class)
                .single());
        // The sums keep the tags, so a report grouped by one reads them too.
        assertThat(jdbc.sql("SELECT count(DISTINCT tags ->> 'team') FROM call_ledger_daily").query(Long.class).single())
            .isEqualTo(jdbc.sql("SELECT count(DISTINCT tags ->> 'team') FROM call_ledger WHERE created_at < '2020-02-09'")
                .query(Long.class)
                .single())
            .isGreaterThan(1);
    }

    @Test
    void aDayWithACallStillInFlightIsNotSealed() {
        jdbc.sql("""
                INSERT INTO reservation (request_id, tenant_id, key_id, model_id, endpoint, images, amount_usd, month,
                                         created_at)
                SELECT gen_random_uuid(), tenant_id, id, 'octoflat', 'text2img', 1, 0.0047, '2020-01-01',
                       '2020-01-20T23:00:00Z'
                FROM api_key WHERE tenant_id = 't1'
                """).update();

        rollup(Duration.ofDays(1)).sealDue();

        assertThat(sealedUntil()).isEqualTo(LocalDate.of(2020, 1, 20));
    }

    private LedgerRollup rollup(Duration sealAfter) {
        ReportsProperties properties = new ReportsProperties(null, Duration.ofSeconds(30),
                new ReportsProperties.RateLimit(1, 1),
                new ReportsProperties.Rollup(true, sealAfter, Duration.ofMinutes(10), 100));
        return new LedgerRollup(jdbc, new TransactionTemplate(new JdbcTransactionManager(dataSource)), properties,
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private LocalDate sealedUntil() {
        return jdbc.sql("SELECT sealed_until FROM call_ledger_daily_seal").query(LocalDate.class).single();
    }

    private String chargeback() {
        return reports.chargeback(YearMonth.of(2020, 1)).toString();
    }

    private String usage(String groupBy) {
        return reports.usage(UsageQuery.parse("2019-12-20", "2020-02-09", groupBy)).toString();
    }
}
