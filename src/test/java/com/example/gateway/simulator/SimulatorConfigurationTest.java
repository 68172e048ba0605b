package com.example.gateway.simulator;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class SimulatorConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withUserConfiguration(SimulatorConfiguration.class);

    @Test
    void isAbsentUnlessSwitchedOn() {
        runner.withPropertyValues("gateway.simulator.expected-key=k")
            .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SimulatedGenerations.class));
    }

    @Test
    void refusesToStartWhenSwitchedOnWithoutAKey() {
        runner.withPropertyValues("gateway.simulator.enabled=true")
            .run(context -> assertThat(context).hasFailed().getFailure()
                .hasRootCauseMessage("gateway.simulator.expected-key must be set when gateway.simulator.enabled is true"));
    }

    @Test
    void processesQueuedPromptsForThreeSecondsByDefault() {
        runner.withPropertyValues("gateway.simulator.enabled=true", "gateway.simulator.expected-key=k")
            .run(context -> assertThat(context.getBean(SimulatorProperties.class).processingTime()).hasSeconds(3));
    }
}
