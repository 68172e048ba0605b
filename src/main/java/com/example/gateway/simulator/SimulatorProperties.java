package com.example.gateway.simulator;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the built-in fake ModelsLab.
 *
 * @param enabled whether the simulator's routes exist at all; production leaves this off
 * @param expectedKey the shared key the simulator accepts in the body's {@code key}, the one the gateway sends upstream
 * @param processingTime how long a {@code [queue]} generation stays {@code processing} before a fetch sees it done
 */
@ConfigurationProperties("gateway.simulator")
public record SimulatorProperties(boolean enabled, String expectedKey, @DefaultValue("3s") Duration processingTime) {
}
