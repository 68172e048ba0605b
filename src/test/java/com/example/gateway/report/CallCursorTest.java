package com.example.gateway.report;

import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import com.example.gateway.errors.GatewayException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallCursorTest {

    @Test
    void comesBackAsTheSamePositionToTheMicrosecond() {
        CallCursor cursor = new CallCursor(Instant.parse("2031-01-31T23:59:59.999999Z"), UUID.randomUUID());

        String encoded = cursor.encode();

        assertThat(encoded).matches("[A-Za-z0-9_-]+");
        assertThat(CallCursor.decode(encoded)).isEqualTo(cursor);
    }

    @Test
    void keepsInstantsBeforeTheEpoch() {
        CallCursor cursor = new CallCursor(Instant.parse("1969-12-31T23:59:59.000001Z"), UUID.randomUUID());

        assertThat(CallCursor.decode(cursor.encode())).isEqualTo(cursor);
    }

    @Test
    void refusesAnythingItDidNotGiveOut() {
        String otherVersion = Base64.getUrlEncoder().encodeToString(("c0:1:" + UUID.randomUUID()).getBytes());
        String notANumber = Base64.getUrlEncoder().encodeToString(("c1:x:" + UUID.randomUUID()).getBytes());
        String tooFar = Base64.getUrlEncoder().encodeToString(("c1:" + Long.MAX_VALUE + ":" + UUID.randomUUID())
            .getBytes());

        for (String bad : new String[] { "", "!!!", "bm90LWEtY3Vyc29y", otherVersion, notANumber, tooFar,
                "A".repeat(300) }) {
            assertThatThrownBy(() -> CallCursor.decode(bad)).as(bad)
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining("cursor");
        }
    }
}
