package com.example.gateway.upstream;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

/**
 * The queue's meters. Waiting calls and wait times are this replica's, by tenant (sum them across replicas); slots in
 * use and the effective cap are the account's as this replica last saw them (take the max across replicas).
 */
@Component
class QueueMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> waiting = new ConcurrentHashMap<>();
    private final AtomicInteger slotsInUse = new AtomicInteger();
    private final AtomicInteger effectiveCap = new AtomicInteger();
    private final Counter absorbed;

    QueueMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("gateway.upstream.slots.in.use", slotsInUse, AtomicInteger::get)
            .description("Calls holding one of the ModelsLab account's slots, across replicas")
            .register(registry);
        Gauge.builder("gateway.upstream.effective.cap", effectiveCap, AtomicInteger::get)
            .description("The account's cap in force, lowered while ModelsLab answers 429 queue-full")
            .register(registry);
        this.absorbed = Counter.builder("gateway.upstream.queue.full.absorbed")
            .description("ModelsLab 429 queue-full answers retried instead of passed on")
            .register(registry);
    }

    void startedWaiting(String tenant) {
        waiting.computeIfAbsent(tenant, this::waitingGauge).incrementAndGet();
    }

    void stoppedWaiting(String tenant, Duration waited, boolean granted) {
        waiting.computeIfAbsent(tenant, this::waitingGauge).decrementAndGet();
        Timer.builder("gateway.upstream.wait")
            .description("Time admitted calls waited for a slot of the ModelsLab account, by tenant and result")
            .tags("tenant", tenant, "result", granted ? "granted" : "refused")
            .register(registry)
            .record(waited);
    }

    void slots(int inUse, int cap) {
        slotsInUse.set(inUse);
        effectiveCap.set(cap);
    }

    void absorbed() {
        absorbed.increment();
    }

    private AtomicInteger waitingGauge(String tenant) {
        AtomicInteger count = new AtomicInteger();
        Gauge.builder("gateway.upstream.waiting", count, AtomicInteger::get)
            .description("Calls of this replica waiting for a slot of the ModelsLab account, by tenant")
            .tags("tenant", tenant)
            .register(registry);
        return count;
    }
}
