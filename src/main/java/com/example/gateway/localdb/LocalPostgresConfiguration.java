package com.example.gateway.localdb;

import java.nio.file.Path;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * In the {@code local} profile without {@code spring.datasource.url}, runs PostgreSQL from the machine's binaries with its
 * data under {@code target/}, so {@code ./mvnw spring-boot:run} needs no database set up by hand.
 */
@Configuration(proxyBeanMethods = false)
@Profile("local")
@Conditional(LocalPostgresConfiguration.NoDatasourceUrl.class)
class LocalPostgresConfiguration {

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
