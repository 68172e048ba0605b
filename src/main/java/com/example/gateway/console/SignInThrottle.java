package com.example.gateway.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed sign-ins per client address in fixed windows; past the limit, the address is refused until its window
 * ends, whatever it sends, so guessing the admin token or a key through the form gets nowhere. Held in this replica's
 * memory, like the report rate limits: a guesser spread over N replicas gets N times the attempts, still a handful a
 * minute against tokens of 32 random bytes. Old windows are dropped as new failures come in, so the map stays small.
 */
final class SignInThrottle {

    private static final int PRUNE_ABOVE = 10_000;

    private final Map<String, Window> failures = new ConcurrentHashMap<>();
    private final int limit;
    private final Duration window;
    private final Clock clock;

    SignInThrottle(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    /** Whether the address may try to sign in now. */
    boolean allows(String address) {
        Window current = failures.get(address);
        return current == null || current.endsBefore(clock.instant()) || current.count() < limit;
    }

    void failed(String address) {
        Instant now = clock.instant();
        if (failures.size() > PRUNE_ABOVE) {
            failures.values().removeIf(w -> w.endsBefore(now));
        }
        failures.compute(address, (key, current) -> current == null || current.endsBefore(now)
                ? new Window(now.plus(window), 1) : new Window(current.end(), current.count() + 1));
    }

    private record Window(Instant end, int count) {

        boolean endsBefore(Instant now) {
            return !now.isBefore(end);
        }
    }
}
