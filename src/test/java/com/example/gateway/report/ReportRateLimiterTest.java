package com.example.gateway.report;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The token bucket behind the reports' rate limit, on a clock the test moves. */
class ReportRateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ReportRateLimiter limiter = new ReportRateLimiter(new ReportsProperties.RateLimit(3, 6), now::get);

    @Test
    void allowsTheBurstThenOneRequestPerRefillIntervalAndSaysHowLongToWait() {
        for (int i = 0; i < 3; i++) {
            assertThatCode(() -> limiter.acquire("tenant:a")).doesNotThrowAnyException();
        }
        assertThat(refusal("tenant:a").retryAfter()).as("6 a minute: one token every 10 s")
            .isEqualTo(Duration.ofSeconds(10));

        advance(4_000);
        assertThat(refusal("tenant:a").retryAfter()).isEqualTo(Duration.ofSeconds(6));
        advance(5_500);
        assertThat(refusal("tenant:a").retryAfter()).as("rounded up, never 0").isEqualTo(Duration.ofSeconds(1));
        advance(500);
        assertThatCode(() -> limiter.acquire("tenant:a")).doesNotThrowAnyException();
        assertThat(refusal("tenant:a").code()).isEqualTo(ErrorCode.RATE_LIMITED);
    }

    @Test
    void eachCallerHasItsOwnBucketAndAnIdleOneFillsOnlyUpToTheBurst() {
        for (int i = 0; i < 3; i++) {
            limiter.acquire("tenant:a");
        }
        assertThatCode(() -> limiter.acquire("tenant:b")).doesNotThrowAnyException();
        assertThatCode(() -> limiter.acquire(ReportRateLimiter.ADMIN)).doesNotThrowAnyException();

        advance(TimeUnit.HOURS.toMillis(1));
        for (int i = 0; i < 3; i++) {
            assertThatCode(() -> limiter.acquire("tenant:a")).doesNotThrowAnyException();
        }
        assertThat(refusal("tenant:a").retryAfter()).isEqualTo(Duration.ofSeconds(10));
    }

    private GatewayException refusal(String caller) {
        return catchThrowableOfType(GatewayException.class, () -> limiter.acquire(caller));
    }

    private void advance(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }
}
