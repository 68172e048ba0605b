package com.example.gateway.localdb;

import java.nio.file.Path;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The database of the zero-setup local run ({@code ./mvnw spring-boot:test-run}, see {@code TestGatewayApplication}):
 * PostgreSQL from the machine's binaries with its data under {@code target/local-postgres}, kept across runs. An explicit
 * {@code spring.datasource.url} ({@code SPRING_DATASOURCE_URL}) wins, and then nothing is started.
 */
@TestConfiguration(proxyBeanMethods = false)
@Conditional(LocalDatabaseConfiguration.NoDatasourceUrl.class)
public class LocalDatabaseConfiguration {

    @Bean(destroyMethod = "close")
    LocalPostgres localPostgres() {
        return LocalPostgres.startPersistent(Path.of("target", "local-postgres"));
    }

    @Bean
    JdbcConnectionDetails localPostgresConnectionDetails(LocalPostgres postgres) {
        return new DatabaseAddress(postgres.jdbcUrl(), postgres.username(), postgres.password());
    }

    static class NoDatasourceUrl implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String url = context.getEnvironment().getProperty("spring.datasource.url");
            return url == null || url.isBlank();
        }
    }
}
