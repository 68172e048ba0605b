package com.example.gateway.config;

import java.time.Duration;

import com.example.gateway.ledger.GroupCommit;
import com.example.gateway.modelslab.ModelsLabProperties;
import com.example.gateway.quota.QuotaProperties;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Refuses to start when a rollout could cut off calls that ModelsLab is still working on. On SIGTERM the web server
 * waits {@code spring.lifecycle.timeout-per-shutdown-phase} for calls in flight; a call may take
 * {@code modelslab.response-timeout} upstream and then {@code gateway.quota.settle-wait} to be settled, so the grace
 * must cover both. The Kubernetes pod's {@code terminationGracePeriodSeconds} in turn covers the preStop sleep, this
 * grace and the group commit's drain (a deployment test checks that sum).
 */
@Component
class ShutdownGrace {

    /** Room for the answer to be written after the settlement. */
    static final Duration MARGIN = Duration.ofSeconds(5);

    ShutdownGrace(Environment environment, ModelsLabProperties modelsLab, QuotaProperties quota) {
        Duration grace = Binder.get(environment)
            .bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
            .orElse(Duration.ofSeconds(30));
        Duration needed = required(modelsLab.responseTimeout(), quota.settleWait());
        if (grace.compareTo(needed) < 0) {
            throw new IllegalStateException("The shutdown grace (spring.lifecycle.timeout-per-shutdown-phase, "
                    + "GATEWAY_SHUTDOWN_GRACE) is " + grace + ", shorter than a call may take: modelslab.response-timeout "
                    + modelsLab.responseTimeout() + " + gateway.quota.settle-wait " + quota.settleWait() + " + "
                    + MARGIN + ". A rollout would cut off calls that ModelsLab is still working on; raise it to at "
                    + "least " + needed + " (and the pod's terminationGracePeriodSeconds with it).");
        }
    }

    static Duration required(Duration responseTimeout, Duration settleWait) {
        return responseTimeout.plus(settleWait).plus(MARGIN);
    }

    /** How long the group commit may take to drain after the web server stopped. */
    static Duration drain() {
        return GroupCommit.DRAIN;
    }
}
