package com.example.gateway;

import com.example.gateway.localdb.LocalDatabaseConfiguration;

import org.springframework.boot.SpringApplication;

/**
 * The zero-setup local run, {@code ./mvnw spring-boot:test-run}: the real {@link GatewayApplication} in the {@code local}
 * profile (built-in simulator, demo tenant) plus a PostgreSQL started from the machine's binaries. It lives in
 * {@code src/test} so that the production jar carries no database launcher; the {@code local} profile itself stays in
 * the jar because {@code docker-compose.yml} runs the image with it against a real PostgreSQL service.
 */
public final class TestGatewayApplication {

    private TestGatewayApplication() {
    }

    public static void main(String[] args) {
        localRun().run(args);
    }

    /**
     * What {@link #main} runs. The profile is added here rather than in the Maven plugin's configuration, where it would
     * also apply to {@code spring-boot:run}, which keeps production defaults.
     */
    static SpringApplication.Augmented localRun() {
        return SpringApplication.from(GatewayApplication::main)
            .with(LocalDatabaseConfiguration.class)
            .withAdditionalProfiles("local");
    }
}
