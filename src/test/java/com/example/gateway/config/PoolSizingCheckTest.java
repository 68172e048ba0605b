package com.example.gateway.config;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** Start-up stops when the admission threads could take every connection of the main pool. */
class PoolSizingCheckTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withUserConfiguration(QuotaSettings.class)
        .withBean(PoolSizingCheck.class);

    /** The gateway.quota.* properties, bound as the application binds them. */
    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    @org.springframework.boot.context.properties.EnableConfigurationProperties(
            com.example.gateway.quota.QuotaProperties.class)
    static class QuotaSettings {
    }

    @Test
    void refusesAPoolNoLargerThanTheDefaultSixteenAdmissionThreads() {
        runner.withBean(HikariDataSource.class, () -> pool(15)).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("gateway.quota.admission-threads is 16 but the main connection pool has only "
                        + "15 connections");
        });
        runner.withBean(HikariDataSource.class, () -> pool(16))
            .run(context -> assertThat(context).hasFailed());
    }

    @Test
    void acceptsAPoolLargerThanTheAdmissionThreads() {
        runner.withBean(HikariDataSource.class, () -> pool(17))
            .run(context -> assertThat(context).hasNotFailed().hasSingleBean(PoolSizingCheck.class));
        runner.withBean(HikariDataSource.class, () -> pool(10))
            .withPropertyValues("gateway.quota.admission-threads=9")
            .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void readsConfiguredAdmissionThreadsAgainstHikarisDefaultPoolOfTen() {
        runner.withBean(HikariDataSource.class, HikariDataSource::new)
            .withPropertyValues("gateway.quota.admission-threads=10")
            .run(context -> assertThat(context.getStartupFailure()).rootCause()
                .hasMessageStartingWith("gateway.quota.admission-threads is 10 but the main connection pool has "
                        + "only 10 connections"));
    }

    private static HikariDataSource pool(int size) {
        HikariDataSource pool = new HikariDataSource();
        pool.setMaximumPoolSize(size);
        return pool;
    }
}
