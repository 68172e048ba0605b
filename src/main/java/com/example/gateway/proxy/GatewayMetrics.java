package com.example.gateway.proxy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

/**
 * The gateway's own meters, all named {@code gateway.*}. Tags carry tenant ids, models, outcomes and reasons; never
 * keys, prompts or request ids.
 */
@Component
class GatewayMetrics {

    private final MeterRegistry registry;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Timer admission;
    private final Timer settlement;

    GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("gateway.inflight.calls", inFlight);
        this.admission = Timer.builder("gateway.admission.latency")
            .description("Time to authenticate and admit a call in PostgreSQL, admitted or not")
            .publishPercentileHistogram()
            .register(registry);
        this.settlement = Timer.builder("gateway.settlement.latency")
            .description("Time to record a call and its cost durably in PostgreSQL and charge it")
            .publishPercentileHistogram()
            .register(registry);
    }

    void callStarted() {
        inFlight.incrementAndGet();
    }

    void callFinished() {
        inFlight.decrementAndGet();
    }

    void settled(String tenant, String model, String outcome, BigDecimal cost) {
        Counter.builder("gateway.calls")
            .description("Admitted calls by tenant, model and outcome")
            .tags("tenant", tenant, "model", model, "outcome", outcome)
            .register(registry)
            .increment();
        if (cost.signum() > 0) {
            Counter.builder("gateway.cost.usd")
                .description("USD charged, by tenant and model")
                .baseUnit("usd")
                .tags("tenant", tenant, "model", model)
                .register(registry)
                .increment(cost.doubleValue());
        }
    }

    void rejected(String tenant, String reason) {
        Counter.builder("gateway.quota.rejections")
            .description("Calls refused by a quota, by tenant and reason")
            .tags("tenant", tenant, "reason", reason)
            .register(registry)
            .increment();
    }

    void fetched(String tenant, String outcome) {
        Counter.builder("gateway.fetches")
            .description("Fetches of queued results, by tenant and outcome (never charged)")
            .tags("tenant", tenant, "outcome", outcome)
            .register(registry)
            .increment();
    }

    void upstreamLatency(String endpoint, Duration latency) {
        Timer.builder("gateway.upstream.latency")
            .description("Time ModelsLab took to answer")
            .tags("endpoint", endpoint)
            .publishPercentileHistogram()
            .register(registry)
            .record(latency);
    }

    /** Time to authenticate and admit a call in PostgreSQL, admitted or not, with the wait for an admission thread. */
    void admissionLatency(Duration latency) {
        admission.record(latency);
    }

    /** Time to record a call and its cost durably and charge it, with the wait for a settlement writer. */
    void settlementLatency(Duration latency) {
        settlement.record(latency);
    }

    void addedLatency(String endpoint, Duration latency) {
        Timer.builder("gateway.added.latency")
            .description("Time the gateway added to a call on top of ModelsLab's")
            .tags("endpoint", endpoint)
            .publishPercentileHistogram()
            .register(registry)
            .record(latency.isNegative() ? Duration.ZERO : latency);
    }
}
