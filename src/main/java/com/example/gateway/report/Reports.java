package com.example.gateway.report;

import java.util.function.Function;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Where every report statement runs: the reports' own pool (see {@link ReportsConfiguration}), in read-only
 * repeatable-read transactions of its own transaction manager, which is deliberately not a bean so that {@code @Transactional}
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
        // One snapshot for all statements of a report: the sealed days' sums (LedgerRollup) and the ledger after them
        // are read as of the same moment, so a day sealed meanwhile is counted once.
        this.readOnly.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
    }

    /** Runs the work in one read-only transaction, so that {@code SET LOCAL} lasts exactly as long as it. */
    <T> T read(Function<JdbcClient, T> work) {
        return readOnly.execute(status -> work.apply(jdbc));
    }
}
