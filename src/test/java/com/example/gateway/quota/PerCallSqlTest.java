package com.example.gateway.quota;

import com.example.gateway.ledger.LedgerStatements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bench/per-call.sql}, the PostgreSQL floor that {@code bench/run.sh} measures with pgbench, is the gateway's own
 * per-call statements with pgbench's variables and fixed values in place of their parameters. This writes it from the
 * statements in the code and fails when the file is not what they give, so the benchmark cannot drift from the
 * gateway. After changing a statement: {@code ./mvnw test -Dtest=PerCallSqlTest -Dbench.sql.write=true}.
 */
class PerCallSqlTest {

    private static final Path FILE = Path.of("bench/per-call.sql");
    private static final Pattern PARAMETER = Pattern.compile("(?<![:\\w]):(\\w+)");

    private static final String HEADER = """
            -- The gateway's own per-call SQL, as it runs it, for pgbench (bench/run.sh). Written by PerCallSqlTest from
            -- the statements in the code; change those, then: ./mvnw test -Dtest=PerCallSqlTest -Dbench.sql.write=true
            --   1. QuotaStatements.RESERVE_BY_KEY_HASH: authenticates the key and admits the call in one autocommit statement that
            --      commits without waiting for its WAL flush
            --   2. LedgerStatements.RECORD, durable: one call per commit here, the floor without the gateway's group
            --      commit (it commits the rows of all the calls waiting in one autocommit batch)
            --   3. QuotaStatements.APPLY for this one call, committed without waiting for its flush
            -- Run with -M prepared (pgJDBC server-prepares repeated statements) and these -D variables, set by
            -- bench/run.sh: keyhash (bytea as \\x...), price, month, day, minute, now (the gateway's window values).
            -- pgbench has no uuid function, so the request id is made by gen_random_uuid() in the reservation's INSERT
            -- and read back (one more output column than the gateway's statement). Casts only give pgbench's untyped
            -- variables the types pgJDBC sends.
            """;

    /** One call of the benchmark: the bench tenant's text2img of "a cat", answered with success. */
    private static final Map<String, String> RESERVE_VALUES = Map.ofEntries(
            Map.entry("keyHash", ":keyhash::bytea"),
            Map.entry("holdsSlot", "false"),
            Map.entry("month", ":month::date"),
            Map.entry("day", ":day::date"),
            Map.entry("minute", ":minute::timestamptz"),
            Map.entry("price", ":price::numeric"),
            Map.entry("requestId", "gen_random_uuid()"),
            Map.entry("model", "'octoflat'"),
            Map.entry("endpoint", "'text2img'"),
            Map.entry("images", "1"),
            Map.entry("idempotencyKey", "NULL"),
            Map.entry("promptSha256", "sha256('a cat'::bytea)"),
            Map.entry("now", ":now::timestamptz"),
            // The price's id is only recorded (no foreign key), so any id stands for the bench model's price.
            Map.entry("priceId", "1::bigint"),
            Map.entry("unitPrice", ":price::numeric"),
            Map.entry("expectedModelsLab", ":price::numeric"),
            Map.entry("project", "NULL::varchar"),
            Map.entry("tagKeys", "'{}'::varchar[]"),
            Map.entry("tagValues", "'{}'::varchar[]"),
            Map.entry("trackId", "NULL::varchar"));

    private static final Map<String, String> RECORD_VALUES = Map.of(
            "requestId", ":rid::uuid",
            "upstreamId", "'81443063'",
            "outcome", "'success'",
            "upstreamStatus", "200",
            "httpStatus", "200",
            "cost", ":price::numeric",
            "charged", "true",
            "latency", "1",
            "now", ":now::timestamptz");

    private static final Map<String, String> APPLY_VALUES = Map.of(
            "requestIds", "ARRAY[:rid::uuid]",
            "now", ":now::timestamptz",
            "month", ":month::date");

    @Test
    void theBenchmarkRunsTheGatewaysOwnStatements() throws IOException {
        String expected = perCallSql();
        if (Boolean.getBoolean("bench.sql.write")) {
            Files.writeString(FILE, expected);
        }

        assertThat(Files.readString(FILE))
            .as("%s is not the gateway's statements: ./mvnw test -Dtest=PerCallSqlTest -Dbench.sql.write=true", FILE)
            .isEqualTo(expected);
    }

    private static String perCallSql() {
        String anchor = "EXISTS (SELECT 1 FROM reserved) AS admitted";
        assertThat(QuotaStatements.RESERVE_BY_KEY_HASH).contains(anchor);
        // pgbench keeps the new reservation's id (and its tenant) in variables for the two statements after it.
        String reserve = bind(QuotaStatements.RESERVE_BY_KEY_HASH, RESERVE_VALUES)
            .replace(anchor, anchor + ",\n       (SELECT request_id FROM reserved) AS rid")
            .stripTrailing() + " \\gset\n";
        return HEADER + reserve + "\n" + bind(LedgerStatements.RECORD, RECORD_VALUES).stripTrailing() + ";\n\n"
                + bind(QuotaStatements.APPLY, APPLY_VALUES).stripTrailing() + ";\n";
    }

    /** The statement with each named parameter replaced by its value; every parameter must have one. */
    private static String bind(String statement, Map<String, String> values) {
        Matcher parameter = PARAMETER.matcher(statement);
        StringBuilder bound = new StringBuilder();
        while (parameter.find()) {
            String value = values.get(parameter.group(1));
            assertThat(value).as("a value for :%s", parameter.group(1)).isNotNull();
            parameter.appendReplacement(bound, Matcher.quoteReplacement(value));
        }
        return parameter.appendTail(bound).toString();
    }
}
