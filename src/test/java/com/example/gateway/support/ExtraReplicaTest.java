package com.example.gateway.support;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExtraReplicaTest {

    @Test
    void aReplicaCanRunOnItsOwnClockAndServesOnThePortItReports() {
        Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(7));

        try (ExtraReplica replica = ExtraReplica.with().bean(Clock.class, ahead).start()) {
            GatewayIntegrationTest.Response health = GatewayIntegrationTest.send(replica.baseUrl(), "GET",
                    "/actuator/health/readiness", null, Map.of());

            assertThat(replica.context().getBean(Clock.class)).isSameAs(ahead);
            assertThat(replica.baseUrl()).endsWith(":" + replica.port());
            assertThat(health.status()).isEqualTo(200);
        }
    }
}
