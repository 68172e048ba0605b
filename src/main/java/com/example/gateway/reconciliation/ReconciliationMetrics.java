package com.example.gateway.reconciliation;

import java.math.BigDecimal;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * The reconciliation's meters: ModelsLab's balance and the drift at the newest snapshots (the same on every replica, as
 * each reads them from the database), the count of snapshots that got no balance, and the two alert thresholds, so
 * that the alert rules read them from the one place they are configured.
 */
@Component
class ReconciliationMetrics {

    private final Reconciliation reconciliation;
    private final Counter gaps;
    private final AtomicReference<Double> balance = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> drift = new AtomicReference<>(Double.NaN);

    ReconciliationMetrics(Reconciliation reconciliation, ReconciliationProperties properties, MeterRegistry meters) {
        this.reconciliation = reconciliation;
        this.gaps = Counter.builder("gateway.reconciliation.gaps")
            .description("Balance snapshots that got no usable answer from ModelsLab's wallet")
            .register(meters);
        Gauge.builder("gateway.modelslab.balance.usd", balance, AtomicReference::get)
            .description("ModelsLab's account balance at the newest snapshot; every tenant stops at zero")
            .register(meters);
        Gauge.builder("gateway.reconciliation.drift.usd", drift, AtomicReference::get)
            .description("ModelsLab's spending minus the expected one, in the newest interval between snapshots")
            .register(meters);
        Gauge.builder("gateway.modelslab.low.balance.threshold.usd", properties, p -> p.lowBalanceUsd().doubleValue())
            .description("gateway.reconciliation.low-balance-usd")
            .register(meters);
        Gauge.builder("gateway.reconciliation.drift.threshold.usd", properties, p -> p.driftAlertUsd().doubleValue())
            .description("gateway.reconciliation.drift-alert-usd")
            .register(meters);
    }

    void gap() {
        gaps.increment();
    }

    /** Sets the gauges from the newest snapshots in the database. */
    void refresh() {
        balance.set(reconciliation.latestBalance().map(BigDecimal::doubleValue).orElse(Double.NaN));
        drift.set(reconciliation.latestDrift().map(BigDecimal::doubleValue).orElse(Double.NaN));
    }
}
