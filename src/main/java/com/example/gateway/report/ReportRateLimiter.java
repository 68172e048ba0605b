package com.example.gateway.report;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;

/**
 * A token bucket per tenant (and one for the admin token) in front of the report statements. It lives in this
 * replica's memory, not in PostgreSQL: what it protects is this replica's reports pool, and a shared counter would cost
 * the main database a write per report, the very load it is here to keep away. With N replicas a tenant can make N
 * times the rate in total, which each replica's pool absorbs. Buckets are kept per tenant that passed authentication,
 * so their number is bounded by the tenants that exist.
 */
final class ReportRateLimiter {

    static final String ADMIN = "admin token";

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final long nanosPerToken;
    private final long burstNanos;
    private final LongSupplier nanoTime;

    ReportRateLimiter(ReportsProperties.RateLimit limit, LongSupplier nanoTime) {
        this.nanosPerToken = TimeUnit.MINUTES.toNanos(1) / limit.perMinute();
        this.burstNanos = (limit.burst() - 1) * nanosPerToken;
        this.nanoTime = nanoTime;
    }

    /** @throws GatewayException {@code rate_limited}, with how long to wait, when the caller's bucket is empty */
    void acquire(String caller) {
        long waitNanos = buckets.computeIfAbsent(caller, key -> new Bucket(nanoTime.getAsLong())).take();
        if (waitNanos > 0) {
            long seconds = Math.max(1, (waitNanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
            throw new GatewayException(ErrorCode.RATE_LIMITED,
                    "Too many report requests; retry in " + seconds + " s.", Duration.ofSeconds(seconds));
        }
    }

    /**
     * A token bucket kept as the instant at which it would be full again if nothing more were taken (the generic cell
     * rate algorithm): one number, exact in whole nanoseconds, refilled by the passing of time alone.
     */
    private final class Bucket {

        private long fullAt;

        Bucket(long now) {
            this.fullAt = now;
        }

        /** Takes a token and returns 0, or returns how long until one is there. */
        synchronized long take() {
            long now = nanoTime.getAsLong();
            long start = Math.max(fullAt, now);
            long owed = start - now;
            if (owed > burstNanos) {
                return owed - burstNanos;
            }
            fullAt = start + nanosPerToken;
            return 0;
        }
    }
}
