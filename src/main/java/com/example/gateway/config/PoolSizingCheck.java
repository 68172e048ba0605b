package com.example.gateway.config;

import java.sql.SQLException;

import com.example.gateway.quota.QuotaProperties;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Refuses to start when the admission threads could hold every connection of the main pool. Each admission thread
 * holds a connection for its statement; with as many threads as connections, a burst of admissions leaves none for the
 * settlement writers, so calls already forwarded cannot be recorded and settlements queue until they give up, and the
 * sweeper later records them as abandoned. That misconfiguration is cheap to make (a smaller pool in a Kubernetes
 * overlay) and expensive to find under load, so it stops the start instead.
 */
@Component
class PoolSizingCheck implements InitializingBean {

    static final String ADMISSION_THREADS = "gateway.quota.admission-threads";

    private final QuotaProperties quota;
    private final DataSource dataSource;

    PoolSizingCheck(QuotaProperties quota, DataSource dataSource) {
        this.quota = quota;
        this.dataSource = dataSource;
    }

    @Override
    public void afterPropertiesSet() throws SQLException {
        if (!dataSource.isWrapperFor(HikariDataSource.class)) {
            return;
        }
        int poolSize = dataSource.unwrap(HikariDataSource.class).getMaximumPoolSize();
        int admissionThreads = quota.admissionThreads();
        if (admissionThreads >= poolSize) {
            throw new IllegalStateException(("%s is %d but the main connection pool has only %d connections "
                    + "(spring.datasource.hikari.maximum-pool-size, GATEWAY_DB_POOL_SIZE): admissions could hold "
                    + "every connection and leave none for settlements. Make the pool larger than the admission "
                    + "threads, or lower %s.").formatted(ADMISSION_THREADS, admissionThreads, poolSize,
                            ADMISSION_THREADS));
        }
    }
}
