package com.example.gateway.quota;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.SocketFactory;

import com.example.gateway.support.Bodies;
import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Admitting a call is one round trip to PostgreSQL: the admission statement, nothing before it. Counted on the
 * connections' sockets (pgJDBC writes once per round trip) for the writes made on admission threads. With the
 * idempotency key bound as an untyped null, pgJDBC 42.7.11 (Boot's version) sent a lone Sync and waited for its answer
 * before each admission: two round trips.
 * <p>
 * Hikari validates a connection that has been idle for more than 500 ms (a fixed, JVM-wide window) when it is borrowed,
 * on the borrowing thread: one more round trip, before the admission's, that appears or not depending on how busy the
 * machine is. That check belongs to the pool, not to the admission, so this test gives it a query of its own and does
 * not count the writes that carry it.
 */
@TestPropertySource(properties = {
        "spring.datasource.hikari.data-source-properties.socketFactory="
                + "com.example.gateway.quota.AdmissionRoundTripsTest$CountingSocketFactory",
        "spring.datasource.hikari.connection-test-query=" + AdmissionRoundTripsTest.POOL_VALIDATION })
class AdmissionRoundTripsTest extends GatewayIntegrationTest {

    /** What Hikari sends to check a connection, instead of the driver's {@code isValid()}, so that it can be told apart. */
    static final String POOL_VALIDATION = "SELECT 'pool-validation'";

    static final AtomicInteger admissionWrites = new AtomicInteger();

    @Test
    void anAdmissionIsOneRoundTrip() {
        TestTenant tenant = newTenant().budget("10.00").create();
        // pgJDBC server-prepares a statement on its fifth execution on a connection; each admission thread keeps to
        // one connection, so this prepares it on all of them.
        for (int i = 0; i < 120; i++) {
            assertThat(text2img(tenant.key(), Bodies.text2img("a cat")).status()).isEqualTo(200);
        }
        int before = admissionWrites.get();

        for (int i = 0; i < 32; i++) {
            assertThat(text2img(tenant.key(), Bodies.text2img("a cat")).status()).isEqualTo(200);
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
                            if (Thread.currentThread().getName().startsWith("admission-")
                                    && !isPoolValidation(bytes, offset, length)) {
                                admissionWrites.incrementAndGet();
                            }
                            out.write(bytes, offset, length);
                        }
                    };
                }
            };
        }

        /** pgJDBC sends a plain statement's text with every execution, in the same write as the rest of the round trip. */
        private static boolean isPoolValidation(byte[] bytes, int offset, int length) {
            return new String(bytes, offset, length, StandardCharsets.ISO_8859_1).contains(POOL_VALIDATION);
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
