package com.example.gateway.report;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

/**
 * The reports' bulkhead. Their own connection pool, so that a burst of usage requests or a slow statement can never
 * take the connections that admissions and settlements need. It is not a default candidate
 * ({@code defaultCandidate = false}): the auto-configured main DataSource stays the only one that anything asks for by
 * type (Flyway, JPA, JdbcClient, the health check), and only what names {@link Reports#QUALIFIER} gets this one. For
 * the same reason readiness does not depend on it: a read replica that is down takes reports away, not the gateway.
 * And a rate limit per tenant and for the admin token ({@link ReportRateLimiter}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReportsProperties.class)
class ReportsConfiguration {

    /**
     * More than the statement timeout, so that PostgreSQL cancels a slow report (a clean error) before the driver gives
     * up on the socket; the socket timeout only catches a server that vanished without a TCP reset.
     */
    static final Duration SOCKET_TIMEOUT_MARGIN = Duration.ofSeconds(10);

    @Bean(defaultCandidate = false)
    @Qualifier(Reports.QUALIFIER)
    HikariDataSource reportsDataSource(ReportsProperties properties, JdbcConnectionDetails main,
            ObjectProvider<MeterRegistry> meterRegistry) {
        ReportsProperties.Datasource configured = properties.datasource();
        HikariDataSource pool = new HikariDataSource();
        pool.setPoolName("reports");
        pool.setJdbcUrl(or(configured.url(), main.getJdbcUrl()));
        pool.setUsername(or(configured.username(), main.getUsername()));
        pool.setPassword(or(configured.password(), main.getPassword()));
        pool.setMaximumPoolSize(configured.maximumPoolSize());
        pool.setMinimumIdle(1);
        pool.setConnectionTimeout(configured.connectionTimeout().toMillis());
        pool.setReadOnly(true);
        // The pool starts on the first report, and a replica that is down does not stop the gateway from starting.
        pool.setInitializationFailTimeout(-1);
        pool.setConnectionInitSql("SET statement_timeout = " + properties.statementTimeout().toMillis());
        pool.addDataSourceProperty("socketTimeout",
                String.valueOf(properties.statementTimeout().plus(SOCKET_TIMEOUT_MARGIN).toSeconds()));
        pool.addDataSourceProperty("connectTimeout", "5");
        pool.addDataSourceProperty("tcpKeepAlive", "true");
        pool.addDataSourceProperty("ApplicationName", "modelslab-gateway-reports");
        // Boot binds pool metrics only to default candidates; these appear as hikaricp_*{pool="reports"}.
        meterRegistry.ifAvailable(
                registry -> pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry)));
        return pool;
    }

    @Bean
    ReportRateLimiter reportRateLimiter(ReportsProperties properties) {
        return new ReportRateLimiter(properties.rateLimit(), System::nanoTime);
    }

    private static String or(String configured, String fallback) {
        return StringUtils.hasText(configured) ? configured : fallback;
    }
}
