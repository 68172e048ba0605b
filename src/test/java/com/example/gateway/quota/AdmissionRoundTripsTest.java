package com.example.gateway.quota;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.SocketFactory;

import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Admitting a call is one round trip to PostgreSQL: the admission statement, nothing before it. Counted on the
 * connections' sockets (pgJDBC writes once per round trip) for the writes made on admission threads. With the
 * idempotency key bound as an untyped null, pgJDBC 42.7.11 (Boot's version) sent a lone Sync and waited for its answer
 * before each admission: two round trips.
 */
@TestPropertySource(properties = "spring.datasource.hikari.data-source-properties.socketFactory="
        + "com.example.gateway.quota.AdmissionRoundTripsTest$CountingSocketFactory")
class AdmissionRoundTripsTest extends GatewayIntegrationTest {

    static final AtomicInteger admissionWrites = new AtomicInteger();

    @Test
    void anAdmissionIsOneRoundTrip() {
        TestTenant tenant = newTenant().budget("10.00").create();
        // pgJDBC server-prepares a statement on its fifth execution on a connection; each admission thread keeps to
        // one connection, so this prepares it on all of them.
        for (int i = 0; i < 120; i++) {
            assertThat(text2img(tenant.key(), "{\"prompt\":\"a cat\"}").status()).isEqualTo(200);
        }
        int before = admissionWrites.get();

        for (int i = 0; i < 32; i++) {
            assertThat(text2img(tenant.key(), "{\"prompt\":\"a cat\"}").status()).isEqualTo(200);
        }

        assertThat(admissionWrites.get() - before).as("round trips for 32 admissions").isEqualTo(32);
    }

    /** Named in the connection properties; pgJDBC makes each connection's socket with it. */
    public static class CountingSocketFactory extends SocketFactory {

        @Override
        public Socket createSocket() {
            return new Socket() {
                @Override
                public OutputStream getOutputStream() throws IOException {
                    return new FilterOutputStream(super.getOutputStream()) {
                        @Override
                        public void write(byte[] bytes, int offset, int length) throws IOException {
                            if (Thread.currentThread().getName().startsWith("admission-")) {
                                admissionWrites.incrementAndGet();
                            }
                            out.write(bytes, offset, length);
                        }
                    };
                }
            };
        }

        @Override
        public Socket createSocket(String host, int port) {
            throw unconnectedOnly();
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
            throw unconnectedOnly();
        }

        @Override
        public Socket createSocket(InetAddress host, int port) {
            throw unconnectedOnly();
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
            throw unconnectedOnly();
        }

        private static UnsupportedOperationException unconnectedOnly() {
            return new UnsupportedOperationException("pgJDBC asks for unconnected sockets");
        }
    }
}
