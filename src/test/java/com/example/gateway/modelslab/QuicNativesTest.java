package com.example.gateway.modelslab;

import io.netty.handler.codec.quic.Quic;
import org.junit.jupiter.api.Test;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pom leaves out Netty's QUIC native libraries (~11 MB of the jar) because the gateway never speaks HTTP/3. The test
 * class path resolves the same dependencies as the jar, so these show what ships: QUIC is switched off, not broken.
 * Plain HTTP through the WebClient is exercised by every full-stack test; HTTPS, which production uses towards
 * ModelsLab, is the path whose set-up asks Reactor Netty's HTTP/3 support whether it is available.
 */
class QuicNativesTest {

    @Test
    void quicIsUnavailableBecauseItsNativeLibraryIsNotShipped() {
        assertThat(Quic.isAvailable()).isFalse();
        assertThat(Quic.unavailabilityCause()).isNotNull();
    }

    @Test
    void theHttpsClientIsStillBuiltWithoutThem() {
        HttpClient https = HttpClient.create().secure();

        assertThat(https.configuration().isSecure()).isTrue();
        assertThat(https.configuration().sslProvider()).isNotNull();
    }

    @Test
    void askingForHttp3FailsLoudlyInsteadOfFallingBackSilently() {
        assertThatThrownBy(() -> HttpClient.create().protocol(HttpProtocol.HTTP3))
            .isInstanceOf(UnsupportedOperationException.class)
            .hasMessageContaining("netty-codec-native-quic");
    }
}
