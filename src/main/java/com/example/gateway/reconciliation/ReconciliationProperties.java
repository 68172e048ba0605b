package com.example.gateway.reconciliation;

import java.math.BigDecimal;
import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How often ModelsLab's balance is snapshotted, and the thresholds the alert rules compare with (published as metrics,
 * so the rules need no copy of them).
 * @param interval time between two balance snapshots (one replica takes each)
 * @param lowBalanceUsd below this the low-balance alert fires; at zero every tenant's generations stop
 * @param driftAlertUsd a drift of more than this, either way, in one interval fires the drift alert
 */
@Validated
@ConfigurationProperties("gateway.reconciliation")
record ReconciliationProperties(@NotNull @DefaultValue("15m") Duration interval,
        @NotNull @PositiveOrZero @DefaultValue("50") BigDecimal lowBalanceUsd,
        @NotNull @PositiveOrZero @DefaultValue("1") BigDecimal driftAlertUsd) {
}
