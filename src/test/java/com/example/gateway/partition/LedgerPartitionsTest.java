package com.example.gateway.partition;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.example.gateway.support.ExtraReplica;
import com.example.gateway.support.GatewayIntegrationTest;
import com.example.gateway.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;

class LedgerPartitionsTest extends GatewayIntegrationTest {

    @Autowired
    LedgerPartitions partitions;

    @Test
    void theMigrationKeepsEveryExistingRowAndTheOldTableBecomesTheFirstPartition() throws Exception {
        TestDatabase db = TestDatabase.get();
        String schema = "partition_migration_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password())) {
            connection.createStatement().execute("CREATE SCHEMA " + schema);
            connection.createStatement().execute("SET search_path TO " + schema);
            SingleConnectionDataSource dataSource = new SingleConnectionDataSource(connection, true);
            flyway(dataSource, schema).target("11").load().migrate();
            JdbcClient old = JdbcClient.create(dataSource);
            connection.createStatement().execute("SET search_path TO " + schema);
            old.sql("INSERT INTO tenant (id, name, created_at, updated_at) VALUES ('t', 'T', now(), now())").update();
            old.sql("""
                    INSERT INTO api_key (id, tenant_id, name, prefix, key_hash, created_at)
                    VALUES ('00000000-0000-0000-0000-000000000001', 't', 'k', 'mlg_x', '\\x01', now())
                    """).update();
            // Two months back to the current one, and one row a clock far ahead wrote.
            old.sql("""
                    INSERT INTO call_ledger (request_id, tenant_id, key_id, model_id, endpoint, outcome, images,
                                             cost_usd, created_at, settled_at, project)
                    SELECT gen_random_uuid(), 't', '00000000-0000-0000-0000-000000000001'::uuid, 'octoflat', 'text2img',
                           'success', 1, 0.0047, now() - g * interval '1 hour', now(), 'p' || (g % 3)::text
                    FROM generate_series(0, 1499) g
                    UNION ALL
                    SELECT gen_random_uuid(), 't', '00000000-0000-0000-0000-000000000001'::uuid, 'octoflat', 'text2img',
                           'processing', 2, 0.0094, timestamptz '2090-05-17 10:00:00+00', now(), NULL
                    """).update();
            String before = fingerprint(old);

            flyway(dataSource, schema).load().migrate();
            connection.createStatement().execute("SET search_path TO " + schema);

            assertThat(fingerprint(old)).isEqualTo(before);
            assertThat(old.sql("SELECT count(*) FROM call_ledger_legacy").query(Long.class).single()).isEqualTo(1501);
            assertThat(old.sql("SELECT relkind::text FROM pg_class WHERE oid = 'call_ledger'::regclass")
                .query(String.class)
                .single()).isEqualTo("p");
            // The first partition reaches past the latest row; the months after it have partitions of their own.
            assertThat(old.sql("SELECT to_regclass('call_ledger_2090_06') IS NOT NULL").query(Boolean.class).single())
                .isTrue();
            // A writer naming the primary key finds an existing row by (request_id, created_at), as LedgerStatements does.
            int duplicates = old.sql("""
                    INSERT INTO call_ledger SELECT * FROM call_ledger ORDER BY created_at LIMIT 10
                    ON CONFLICT ON CONSTRAINT call_ledger_pkey DO NOTHING
                    """).update();
            assertThat(duplicates).isZero();
            connection.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Test
    void twoReplicasCreatingTheSameMonthsAtOnceCreateEachPartitionOnce() throws Exception {
        List<YearMonth> months = new ArrayList<>();
        for (int m = 1; m <= 12; m++) {
            months.add(YearMonth.of(2201, m));
        }
        try (ExtraReplica replica = ExtraReplica.start();
                ExecutorService threads = Executors.newFixedThreadPool(2)) {
            LedgerPartitions other = replica.context().getBean(LedgerPartitions.class);
            CyclicBarrier together = new CyclicBarrier(2);
            List<Future<Integer>> created = new ArrayList<>();
            for (LedgerPartitions replicaJob : List.of(partitions, other)) {
                Callable<Integer> run = () -> {
                    together.await();
                    int count = 0;
                    for (YearMonth month : months) {
                        count += replicaJob.create(month) ? 1 : 0;
                    }
                    return count;
                };
                created.add(threads.submit(run));
            }
            assertThat(created.get(0).get() + created.get(1).get()).isEqualTo(12);
            assertThat(other.createAhead()).isEmpty();
        }
        assertThat(jdbc.sql("""
                SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = 'call_ledger'::regclass AND c.relname LIKE 'call\\_ledger\\_2201\\_%'
                """).query(Long.class).single()).isEqualTo(12);
        assertThat(partitions.create(YearMonth.of(2201, 5))).isFalse();
    }

    @Test
    void theCurrentMonthAndTheNextThreeHaveAPartitionOnceTheGatewayIsUp() {
        TestTenant tenant = tenant();
        YearMonth now = YearMonth.now(ZoneOffset.UTC);
        for (int ahead = 0; ahead <= 3; ahead++) {
            YearMonth month = now.plusMonths(ahead);
            UUID call = insert(tenant.id(), month.atDay(15) + "T12:00:00Z");
            assertThat(tableOf(call)).as(month.toString()).isNotEqualTo("call_ledger_default");
        }
        jdbc.sql("DELETE FROM call_ledger WHERE tenant_id = ?").param(tenant.id()).update();
    }

    @Test
    void aCallFromAMonthWithoutAPartitionIsKeptAndMovesWhenItsPartitionIsCreated() {
        TestTenant tenant = tenant();
        UUID far = insert(tenant.id(), "2302-07-04T12:00:00Z");
        assertThat(tableOf(far)).isEqualTo("call_ledger_default");

        assertThat(partitions.create(YearMonth.of(2302, 7))).isTrue();

        assertThat(tableOf(far)).isEqualTo("call_ledger_2302_07");
        assertThat(jdbc.sql("SELECT count(*), sum(cost_usd) FROM call_ledger WHERE tenant_id = ?")
            .param(tenant.id())
            .query((rs, n) -> rs.getLong(1) + " " + rs.getBigDecimal(2))
            .single()).isEqualTo("1 " + new BigDecimal("0.01410000"));
    }

    /** A charged call of three images at the instant given, written as the ledger writes it. */
    private UUID insert(String tenantId, String createdAt) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO call_ledger (request_id, tenant_id, key_id, model_id, endpoint, outcome, images, cost_usd,
                                         created_at, settled_at)
                SELECT :id, k.tenant_id, k.id, 'octoflat', 'text2img', 'success', 3, 0.0141, :at::timestamptz, now()
                FROM api_key k WHERE k.tenant_id = :tenant
                """).param("id", id).param("tenant", tenantId).param("at", createdAt).update();
        return id;
    }

    private String tableOf(UUID requestId) {
        return jdbc.sql("SELECT tableoid::regclass::text FROM call_ledger WHERE request_id = ?")
            .param(requestId)
            .query(String.class)
            .single();
    }

    private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(SingleConnectionDataSource dataSource,
            String schema) {
        return Flyway.configure()
            .dataSource(dataSource)
            .schemas(schema)
            .configuration(java.util.Map.of("flyway.postgresql.transactional.lock", "false"));
    }

    private static String fingerprint(JdbcClient jdbc) {
        return jdbc.sql("""
                SELECT count(*) || ' ' || sum(cost_usd) || ' ' || md5(string_agg(request_id::text || created_at::text
                       || outcome || coalesce(project, '-'), ',' ORDER BY request_id))
                FROM call_ledger
                """).query(String.class).single();
    }
}
