package com.example.gateway.report;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Writes ledger rows directly, at chosen instants, for tests whose expected numbers are computed by hand. */
final class HandMadeLedger {

    private final JdbcClient jdbc;

    HandMadeLedger(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The id of the tenant's first key; a test tenant is created with exactly one. */
    UUID keyOf(String tenantId) {
        return jdbc.sql("SELECT id FROM api_key WHERE tenant_id = ? ORDER BY created_at, id LIMIT 1")
            .param(tenantId)
            .query(UUID.class)
            .single();
    }

    UUID keyOf(String tenantId, String name) {
        return jdbc.sql("SELECT id FROM api_key WHERE tenant_id = ? AND name = ?")
            .params(tenantId, name)
            .query(UUID.class)
            .single();
    }

    UUID call(String tenantId, UUID keyId, String model, String outcome, int images, String costUsd, String createdAt) {
        return call(UUID.randomUUID(), tenantId, keyId, model, outcome, images, costUsd, Instant.parse(createdAt));
    }

    UUID call(UUID requestId, String tenantId, UUID keyId, String model, String outcome, int images, String costUsd,
            Instant createdAt) {
        jdbc.sql("""
                INSERT INTO call_ledger (request_id, tenant_id, key_id, model_id, endpoint, idempotency_key,
                                         upstream_id, outcome, upstream_status, http_status, images, cost_usd,
                                         upstream_latency_ms, created_at, settled_at)
                VALUES (:id, :tenant, :key, :model, 'text2img', :idem, :upstream, :outcome, 200, 200, :images, :cost,
                        850, :createdAt, :settledAt)
                """)
            .param("id", requestId)
            .param("tenant", tenantId)
            .param("key", keyId)
            .param("model", model)
            .param("idem", "idem-" + requestId)
            .param("upstream", String.valueOf(Math.abs(requestId.getLeastSignificantBits() % 1_000_000_000L)))
            .param("outcome", outcome)
            .param("images", images)
            .param("cost", new BigDecimal(costUsd))
            .param("createdAt", createdAt.atOffset(ZoneOffset.UTC))
            .param("settledAt", createdAt.plusSeconds(3).atOffset(ZoneOffset.UTC))
            .update();
        return requestId;
    }
}
