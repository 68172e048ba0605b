package com.example.gateway.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulator's memory of accepted generations, so fetch calls can find them. Kept for an hour only, which bounds it
 * however long a local run lasts.
 */
class SimulatedGenerations {

    /** ModelsLab's pay-as-you-go limit on queued requests per account: the simulator's by default. */
    static final int QUEUE_LIMIT = 5;

    private static final Duration RETENTION = Duration.ofHours(1);

    private final Map<Long, SimulatedGeneration> byId = new ConcurrentHashMap<>();
    // Real ids are 8-digit integers; a random start keeps ids from one run unlikely to match a stale id from another.
    private final AtomicLong lastId = new AtomicLong(ThreadLocalRandom.current().nextLong(10_000_000, 90_000_000));
    private final Duration processingTime;
    private final int queueLimit;
    private final Clock clock;

    SimulatedGenerations(Duration processingTime, Clock clock) {
        this(processingTime, QUEUE_LIMIT, clock);
    }

    SimulatedGenerations(Duration processingTime, int queueLimit, Clock clock) {
        this.processingTime = processingTime;
        this.queueLimit = queueLimit;
        this.clock = clock;
    }

    int queueLimit() {
        return queueLimit;
    }

    Instant now() {
        return clock.instant();
    }

    SimulatedGeneration completeAtOnce(GenerationRequest request) {
        Instant now = now();
        return remember(request, now, now);
    }

    /**
     * Queues a generation unless {@link #queueLimit()} are already processing. Synchronized so that concurrent callers
     * cannot all see room for one more.
     */
    synchronized Optional<SimulatedGeneration> enqueue(GenerationRequest request) {
        Instant now = now();
        long processing = byId.values().stream().filter(generation -> generation.processingAt(now)).count();
        if (processing >= queueLimit) {
            return Optional.empty();
        }
        return Optional.of(remember(request, now, now.plus(processingTime)));
    }

    Optional<SimulatedGeneration> find(long id) {
        return Optional.ofNullable(byId.get(id));
    }

    private SimulatedGeneration remember(GenerationRequest request, Instant now, Instant readyAt) {
        Instant cutoff = now.minus(RETENTION);
        byId.values().removeIf(generation -> generation.createdAt().isBefore(cutoff));
        SimulatedGeneration generation = new SimulatedGeneration(lastId.incrementAndGet(), request, UUID.randomUUID(),
                now, readyAt);
        byId.put(generation.id(), generation);
        return generation;
    }
}
