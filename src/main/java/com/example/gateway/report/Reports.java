package com.example.gateway.report;

import java.util.function.Function;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Where every report statement runs: the reports' own pool (see {@link ReportsConfiguration}), in read-only
 * transactions of its own transaction manager, which is deliberately not a bean so that {@code @Transactional}
 * elsewhere keeps finding only the main one.
 */
@Component
class Reports {

    static final String QUALIFIER = "reports";

    private final JdbcClient jdbc;
    private final TransactionTemplate readOnly;

    Reports(@Qualifier(QUALIFIER) DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
        this.readOnly = new TransactionTemplate(new JdbcTransactionManager(dataSource));
        this.readOnly.setReadOnly(true);
    }

    /** Runs the work in one read-only transaction, so that {@code SET LOCAL} lasts exactly as long as it. */
    <T> T read(Function<JdbcClient, T> work) {
        return readOnly.execute(status -> work.apply(jdbc));
    }
}
