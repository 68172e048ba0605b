package com.example.gateway.simulator;

import java.math.BigDecimal;
import java.time.Duration;

import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the built-in fake ModelsLab.
 *
 * @param enabled whether the simulator's routes exist at all; production leaves this off
 * @param expectedKey the shared key the simulator accepts in the body's {@code key}, the one the gateway sends upstream
 * @param processingTime how long a {@code [queue]} generation stays {@code processing} before a fetch sees it done
 * @param startingBalanceUsd the simulated account's balance at start-up
 * @param usdPerImage what the simulated account pays per image; the gateway's own price by default, so that the
 *        reconciliation of a local run shows no drift until this is changed
 * @param repeatWebhooks whether each webhook is POSTed twice, as ModelsLab may (it delivers at least once)
 * @param queueLimit how many {@code [queue]} generations the simulated account may have processing at once; beyond it
 *        ModelsLab's 429 "Maximum N queued requests", as the real account's plan limit (5, 10 or 15)
 * @param queueRetryAfter the {@code retry_after} of that 429
 */
@Validated
@ConfigurationProperties("gateway.simulator")
public record SimulatorProperties(boolean enabled, String expectedKey, @DefaultValue("3s") Duration processingTime,
        @DefaultValue("100") BigDecimal startingBalanceUsd, @DefaultValue("0.0047") BigDecimal usdPerImage,
        @DefaultValue("false") boolean repeatWebhooks, @DefaultValue("5") @Positive int queueLimit,
        @DefaultValue("30s") Duration queueRetryAfter) {
}
