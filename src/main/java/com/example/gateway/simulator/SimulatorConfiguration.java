package com.example.gateway.simulator;

import java.time.Clock;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.Assert;

/**
 * Exists only when the simulator is switched on, so a production context never holds its state or its routes.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "gateway.simulator", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(SimulatorProperties.class)
class SimulatorConfiguration {

    @Bean
    SimulatedGenerations simulatedGenerations(SimulatorProperties properties) {
        // Fail at startup rather than answer every call with 401 and leave people guessing why.
        Assert.hasText(properties.expectedKey(),
                "gateway.simulator.expected-key must be set when gateway.simulator.enabled is true");
        return new SimulatedGenerations(properties.processingTime(), properties.queueLimit(), Clock.systemUTC());
    }

    @Bean
    SimulatorKey simulatorKey(SimulatorProperties properties) {
        Assert.hasText(properties.expectedKey(),
                "gateway.simulator.expected-key must be set when gateway.simulator.enabled is true");
        return new SimulatorKey(properties.expectedKey());
    }

    @Bean
    SimulatedWebhooks simulatedWebhooks(SimulatorProperties properties) {
        // Its own mapper: the payload's names are all explicit, and no application customisation should change them.
        return new SimulatedWebhooks(JsonMapper.builder().build(), properties.repeatWebhooks());
    }

    @Bean
    SimulatedWallet simulatedWallet(SimulatorProperties properties) {
        return new SimulatedWallet(properties.startingBalanceUsd(), properties.usdPerImage());
    }
}
