package com.example.gateway.quota;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.SocketFactory;

import com.example.gateway.support.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Admission is one statement, with a parameter that is often null (the idempotency key) and text and numeric columns in
 * its result. pgJDBC before 42.7.13 (Boot manages an older one: see the pom) sent a lone Sync and waited for its
 * answer before every execution of such a prepared statement, once it was server-prepared: two round trips to
 * PostgreSQL instead of one.
 */
class DatabaseRoundTripsTest {

    /** Writes to the socket of the connection under test: pgJDBC writes once per flush, so once per round trip. */
    static final AtomicInteger writes = new AtomicInteger();

    @Test
    void aServerPreparedStatementWithANullParameterAndATextResultIsOneRoundTrip() throws SQLException {
        TestDatabase database = TestDatabase.get();
        Properties properties = new Properties();
        properties.setProperty("user", database.username());
        properties.setProperty("password", database.password());
        properties.setProperty("socketFactory", CountingSocketFactory.class.getName());
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), properties);
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT ?::text AS tenant_id, ?::text AS idempotency_key, 1.50::numeric AS remaining")) {
            // Past pgJDBC's prepare threshold: server-prepared and described, as the gateway's statements are.
            for (int i = 0; i < 10; i++) {
                execute(statement);
            }
            int before = writes.get();

            execute(statement);

            assertThat(writes.get() - before).as("round trips").isEqualTo(1);
        }
    }

    private static void execute(PreparedStatement statement) throws SQLException {
        statement.setString(1, "tenant");
        // As Spring binds a null of unknown type for PostgreSQL
        statement.setNull(2, Types.NULL);
        try (ResultSet row = statement.executeQuery()) {
            assertThat(row.next()).isTrue();
            assertThat(row.getString("tenant_id")).isEqualTo("tenant");
        }
    }

    /** Named in the connection properties; pgJDBC makes its socket with it. */
    public static class CountingSocketFactory extends SocketFactory {

        @Override
        public Socket createSocket() {
            return new Socket() {
                @Override
                public OutputStream getOutputStream() throws IOException {
                    return new FilterOutputStream(super.getOutputStream()) {
                        @Override
                        public void write(byte[] bytes, int offset, int length) throws IOException {
                            writes.incrementAndGet();
                            out.write(bytes, offset, length);
                        }
                    };
                }
            };
        }

        @Override
        public Socket createSocket(String host, int port) {
            throw new UnsupportedOperationException("pgJDBC creates unconnected sockets");
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
            throw new UnsupportedOperationException("pgJDBC creates unconnected sockets");
        }

        @Override
        public Socket createSocket(InetAddress host, int port) {
            throw new UnsupportedOperationException("pgJDBC creates unconnected sockets");
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
            throw new UnsupportedOperationException("pgJDBC creates unconnected sockets");
        }
    }
}
