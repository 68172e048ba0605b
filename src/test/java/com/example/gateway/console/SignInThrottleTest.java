package com.example.gateway.console;

import java.time.Duration;
import java.time.Instant;

import com.example.gateway.support.TestClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SignInThrottleTest {

    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final SignInThrottle throttle = new SignInThrottle(3, Duration.ofMinutes(5), clock);

    @Test
    void anAddressIsRefusedAfterItsFailuresUntilTheWindowEnds() {
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.allows("10.0.0.1")).isTrue();
            throttle.failed("10.0.0.1");
        }

        assertThat(throttle.allows("10.0.0.1")).isFalse();
        clock.advance(Duration.ofMinutes(4));
        assertThat(throttle.allows("10.0.0.1")).isFalse();
        clock.advance(Duration.ofMinutes(1));
        assertThat(throttle.allows("10.0.0.1")).isTrue();
    }

    @Test
    void anotherAddressIsNotHeldBackByAGuessersFailures() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("10.0.0.1");
        }

        assertThat(throttle.allows("10.0.0.2")).isTrue();
    }
}
