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
            --   1. QuotaStatements.RESERVE_BY_KEY_HASH: locks the key's, cost centre's and tenant's rows, then
            --      authenticates the key and admits the call; two statements in one round trip and one transaction
            --      (a pipeline here, as pgJDBC sends them), committed without waiting for the WAL flush
            --   2. LedgerStatements.RECORD, durable: one call per commit here, the floor without the gateway's group
            --      commit (it commits the rows of all the calls waiting in one autocommit batch)
            --   3. QuotaStatements.APPLY for this one call, the same way as 1
            -- Run with -M prepared (pgJDBC server-prepares repeated statements) and these -D variables, set by
            -- bench/run.sh: keyhash (bytea as \\x...), price, month, day, minute, now (the gateway's window values).
            -- pgbench has no uuid function and no \\gset in a pipeline, so the request id is made from the client's
            -- number and a random one. Casts only give pgbench's untyped variables the types pgJDBC sends.
            \\set r random(1, 1000000000000000)
            """;

    /** The call's request id, the same in each of its statements. */
    private static final String REQUEST_ID = "md5(:client_id || '-' || :r)::uuid";

    /** One call of the benchmark: the bench tenant's text2img of "a cat", answered with success. */
    private static final Map<String, String> RESERVE_VALUES = Map.ofEntries(
            Map.entry("keyHash", ":keyhash::bytea"),
            Map.entry("holdsSlot", "false"),
            Map.entry("month", ":month::date"),
            Map.entry("day", ":day::date"),
            Map.entry("minute", ":minute::timestamptz"),
            Map.entry("price", ":price::numeric"),
            Map.entry("requestId", REQUEST_ID),
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
            "requestId", REQUEST_ID,
            "upstreamId", "'81443063'",
            "outcome", "'success'",
            "upstreamStatus", "200",
            "httpStatus", "200",
            "cost", ":price::numeric",
            "charged", "true",
            "latency", "1",
            "now", ":now::timestamptz");

    private static final Map<String, String> APPLY_VALUES = Map.of(
            "requestIds", "ARRAY[" + REQUEST_ID + "]",
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
        return HEADER + pipeline(bind(QuotaStatements.RESERVE_BY_KEY_HASH, RESERVE_VALUES)) + "\n"
                + bind(LedgerStatements.RECORD, RECORD_VALUES).stripTrailing() + ";\n\n"
                + pipeline(bind(QuotaStatements.APPLY, APPLY_VALUES));
    }

    /** Statements sent together and committed at once, as pgJDBC sends statements separated by {@code ;}. */
    private static String pipeline(String statements) {
        return "\\startpipeline\n" + statements.stripTrailing() + ";\n\\endpipeline\n";
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
