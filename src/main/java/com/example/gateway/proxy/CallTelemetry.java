package com.example.gateway.proxy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicInteger;

import com.example.gateway.quota.Admission;
import com.example.gateway.quota.AdmissionRefused;
import com.example.gateway.quota.CallOutcome;
import com.example.gateway.units.Money;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.stereotype.Component;

/**
 * What a call tells ops, in one place: the tenant in the log context, the gateway's meters (all named
 * {@code gateway.*}; tags carry tenant ids, models, outcomes and reasons, never keys, prompts, projects or request
 * ids), and the one structured line logged when a call is settled.
 */
@Component
class CallTelemetry {

    private static final Logger log = LoggerFactory.getLogger(CallTelemetry.class);

    private final MeterRegistry registry;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Timer admissionTimer;
    private final Timer settlementTimer;

    CallTelemetry(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("gateway.inflight.calls", inFlight);
        this.admissionTimer = Timer.builder("gateway.admission.latency")
            .description("Time to authenticate and admit a call in PostgreSQL, admitted or not")
            .publishPercentileHistogram()
            .register(registry);
        this.settlementTimer = Timer.builder("gateway.settlement.latency")
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

    /** From here on the call's log lines name its tenant. */
    void identify(String tenantId) {
        MDC.put("tenant", tenantId);
    }

    /**
     * Where a call goes on once ModelsLab has answered: a fresh virtual thread, because settling blocks on PostgreSQL
     * and a Netty thread must never block, with the log context (request id, tenant) of the thread that sent the call.
     */
    Executor continuation() {
        Map<String, String> context = MDC.getCopyOfContextMap();
        return task -> Thread.startVirtualThread(() -> {
            MDC.setContextMap(context == null ? Map.of() : context);
            try {
                task.run();
            }
            finally {
                MDC.clear();
            }
        });
    }

    void refused(AdmissionRefused refused) {
        identify(refused.tenantId());
        rejected(refused.tenantId(), refused.code().code());
    }

    /** Meters and logs a settled call; the tenant is already in the log context. */
    void settled(Admission call, CallOutcome outcome, BigDecimal cost, Duration upstream, long startedNanos) {
        Duration total = Duration.ofNanos(System.nanoTime() - startedNanos);
        settled(call.tenantId(), call.modelId(), outcome.dbValue(), cost);
        upstreamLatency(call.endpoint(), upstream);
        addedLatency(call.endpoint(), total.minus(upstream));
        log.atInfo()
            .addKeyValue("model", call.modelId())
            .addKeyValue("outcome", outcome.dbValue())
            .addKeyValue("costUsd", Money.plain(cost))
            .addKeyValue("latencyMs", total.toMillis())
            .addKeyValue("upstreamLatencyMs", upstream.toMillis())
            .log("{} call settled: {}", call.endpoint(), outcome.dbValue());
    }

    <T> T timeAdmission(Supplier<T> admission) {
        return admissionTimer.record(admission);
    }

    <T> T timeSettlement(Supplier<T> settlement) {
        return settlementTimer.record(settlement);
    }

    private void settled(String tenant, String model, String outcome, BigDecimal cost) {
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

    private void rejected(String tenant, String reason) {
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

    private void addedLatency(String endpoint, Duration latency) {
        Timer.builder("gateway.added.latency")
            .description("Time the gateway added to a call on top of ModelsLab's")
            .tags("endpoint", endpoint)
            .publishPercentileHistogram()
            .register(registry)
            .record(latency.isNegative() ? Duration.ZERO : latency);
    }
}
