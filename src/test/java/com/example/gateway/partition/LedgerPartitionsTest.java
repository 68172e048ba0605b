package com.example.gateway.partition;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.example.gateway.ledger.GroupCommit;
import com.example.gateway.quota.Admission;
import com.example.gateway.quota.Attribution;
import com.example.gateway.quota.Balance;
import com.example.gateway.quota.CallOutcome;
import com.example.gateway.quota.Reservation;
import com.example.gateway.quota.Settlement;

import com.example.gateway.support.ExtraReplica;
import com.example.gateway.support.GatewayIntegrationTest;
import com.example.gateway.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LedgerPartitionsTest extends GatewayIntegrationTest {

    @Autowired
    LedgerPartitions partitions;

    @Autowired
    GroupCommit ledger;

    @Autowired
    DataSource dataSource;

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

    @Test
    void aCallSettledWhileItsMonthsPartitionIsBeingCreatedLandsInThatPartition() throws Exception {
        TestTenant tenant = tenant();
        Reservation reservation = reservedAt(tenant, Instant.parse("2303-01-15T12:00:00Z"));
        UUID id = reservation.admission().requestId();
        try (Connection attaching = dataSource.getConnection()) {
            // Another replica creates the month's partition and has not committed yet: it holds the default partition.
            attaching.setAutoCommit(false);
            attaching.createStatement().execute("SELECT create_call_ledger_partition('2303-01-01')");
            CompletableFuture<Balance> settled = CompletableFuture.supplyAsync(() -> ledger.settle(reservation,
                    new Settlement(id, CallOutcome.SUCCESS, new BigDecimal("0.0047"), 200, 200, "4711", 650,
                            "{}".getBytes(StandardCharsets.UTF_8))));
            // The row is routed to the default partition and waits for it; once the partition is attached, the default
            // partition's new constraint refuses the row, and the settlement writes it again.
            await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql("""
                    SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'call_ledger_default'::regclass
                    """).query(Long.class).single() > 0);
            attaching.commit();

            settled.get(20, TimeUnit.SECONDS);
        }

        assertThat(tableOf(id)).isEqualTo("call_ledger_2303_01");
        assertThat(jdbc.sql("SELECT count(*) FROM reservation WHERE request_id = ?").param(id).query(Long.class).single())
            .isZero();
    }

    /** A reservation of one image admitted at the instant given, counted on the tenant's and its key's rows. */
    private Reservation reservedAt(TestTenant tenant, Instant admittedAt) {
        UUID id = UUID.randomUUID();
        UUID keyId = jdbc.sql("SELECT id FROM api_key WHERE tenant_id = ?").param(tenant.id()).query(UUID.class).single();
        LocalDate month = LocalDate.ofInstant(admittedAt, ZoneOffset.UTC).withDayOfMonth(1);
        jdbc.sql("""
                INSERT INTO reservation (request_id, tenant_id, key_id, model_id, endpoint, images, amount_usd, month,
                                         created_at)
                VALUES (:id, :tenant, :key, 'octoflat', 'text2img', 1, 0.0047, :month, :at)
                """).param("id", id).param("tenant", tenant.id()).param("key", keyId).param("month", month)
            .param("at", admittedAt.atOffset(ZoneOffset.UTC)).update();
        jdbc.sql("UPDATE quota_state SET reserved_usd = reserved_usd + 0.0047, in_flight = in_flight + 1 "
                + "WHERE tenant_id = ?").param(tenant.id()).update();
        jdbc.sql("UPDATE key_quota_state SET reserved_usd = reserved_usd + 0.0047 WHERE key_id = ?").param(keyId).update();
        Admission admission = new Admission(id, tenant.id(), keyId, null, "octoflat", "text2img", 1,
                new BigDecimal("0.0047"), null, null, null, null, null, Attribution.NONE);
        return new Reservation(admission, admittedAt, month);
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
