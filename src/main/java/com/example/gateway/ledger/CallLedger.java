package com.example.gateway.ledger;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Questions the gateway path asks of the ledger. */
@Component
public class CallLedger {

    private final JdbcClient jdbc;

    CallLedger(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Whether a call of this tenant produced the ModelsLab generation {@code upstreamId}. */
    public boolean ownsGeneration(String tenantId, String upstreamId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM call_ledger WHERE upstream_id = ? AND tenant_id = ?)")
            .params(upstreamId, tenantId)
            .query(Boolean.class)
            .single();
    }
}
