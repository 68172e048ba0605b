package com.example.gateway.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import com.example.gateway.localdb.LocalPostgres;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The one place that decides which PostgreSQL the tests use, once per JVM:
 * <ol>
 * <li>{@code TEST_DATABASE_URL} (with {@code TEST_DATABASE_USERNAME}/{@code TEST_DATABASE_PASSWORD}), in a fresh schema
 * dropped at exit;</li>
 * <li>otherwise a Testcontainers {@code postgres:17} container when a Docker engine answers;</li>
 * <li>otherwise a throwaway cluster from the machine's own PostgreSQL binaries ({@link LocalPostgres}).</li>
 * </ol>
 * Every application context of the run shares it, so several contexts act as several replicas on one database.
 */
public final class TestDatabase {

    private static TestDatabase instance;

    private final String jdbcUrl;
    private final String username;
    private final String password;
    private final String description;
    private final LocalPostgres localPostgres;

    private TestDatabase(String jdbcUrl, String username, String password, String description, LocalPostgres local) {
        this.jdbcUrl = jdbcUrl;
        this.username = username;
        this.password = password;
        this.description = description;
        this.localPostgres = local;
    }

    public static synchronized TestDatabase get() {
        if (instance == null) {
            instance = choose();
            System.out.println("Tests use PostgreSQL: " + instance.description);
        }
        return instance;
    }

    private static TestDatabase choose() {
        String url = System.getenv("TEST_DATABASE_URL");
        if (url != null && !url.isBlank()) {
            return freshSchema(url, env("TEST_DATABASE_USERNAME"), env("TEST_DATABASE_PASSWORD"));
        }
        if (dockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:17");
            container.start();
            return new TestDatabase(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
                    "Testcontainers postgres:17", null);
        }
        LocalPostgres local = LocalPostgres.startEphemeral();
        return new TestDatabase(local.jdbcUrl(), local.username(), local.password(),
                "throwaway local cluster on port " + local.port(), local);
    }

    private static TestDatabase freshSchema(String url, String username, String password) {
        String schema = "gateway_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute(url, username, password, "CREATE SCHEMA " + schema);
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> execute(url, username, password, "DROP SCHEMA IF EXISTS " + schema + " CASCADE")));
        String separator = url.contains("?") ? "&" : "?";
        return new TestDatabase(url + separator + "currentSchema=" + schema, username, password,
                "TEST_DATABASE_URL, schema " + schema, null);
    }

    private static boolean dockerAvailable() {
        // Asking Testcontainers costs many seconds on a machine without any Docker: look for a socket first.
        boolean hint = System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"))
                || Files.exists(Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"))
                || Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"));
        if (!hint) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        }
        catch (RuntimeException | LinkageError ex) {
            return false;
        }
    }

    private static void execute(String url, String username, String password, String sql) {
        try (Connection connection = DriverManager.getConnection(url, username, password);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
        catch (SQLException ex) {
            throw new IllegalStateException("Cannot run '" + sql + "' on " + url, ex);
        }
    }

    private static String env(String name) {
        String value = System.getenv(name);
        return value == null ? "" : value;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    /** The local cluster behind the tests, when there is one: fault tests stop and restart it. */
    public LocalPostgres localPostgres() {
        return localPostgres;
    }
}
