package com.example.gateway.webhook;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

import com.example.gateway.ledger.Adjustment;
import com.example.gateway.ledger.Adjustments;
import com.example.gateway.units.Utc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Final outcomes of queued calls, from the first of ModelsLab's webhook or a fetch that finds the generation finished,
 * and the credit of a charged call whose generation failed. The outcome is recorded first and durably; the credit
 * follows it. A failure reported before the call's own settlement (ModelsLab can be faster than the ledger's group
 * commit) finds nothing to credit yet: {@link FailedGenerationCredits} credits it once the call is in the ledger.
 */
@Service
public class FinalOutcomes {

    static final String CREDIT_REASON = "ModelsLab reported the generation failed";
    private static final Logger log = LoggerFactory.getLogger(FinalOutcomes.class);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Adjustments adjustments;
    private final CreditProperties properties;

    FinalOutcomes(JdbcClient jdbc, Clock clock, Adjustments adjustments, CreditProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.adjustments = adjustments;
        this.properties = properties;
    }

    /** {@code success} or {@code failed}, ModelsLab's final statuses; anything else is not final. */
    public static boolean isFinal(String status) {
        return "success".equals(status) || "failed".equals(status);
    }

    /**
     * Records what a fetch found of a tenant's generation, when it is final and nothing was recorded before.
     * @param upstreamId ModelsLab's id of the generation, which the tenant's call produced
     */
    public void recordFetched(String tenantId, String upstreamId, String status, int outputs) {
        if (!isFinal(status)) {
            return;
        }
        Optional<UUID> recorded = jdbc.sql("""
                INSERT INTO generation_final_outcome (request_id, tenant_id, outcome, source, upstream_id, outputs,
                                                      recorded_at)
                SELECT l.request_id, l.tenant_id, ?, 'fetch', l.upstream_id, ?, ?
                FROM call_ledger l WHERE l.upstream_id = ? AND l.tenant_id = ?
                ORDER BY l.created_at LIMIT 1
                ON CONFLICT (request_id) DO NOTHING
                RETURNING request_id""")
            .params(status, outputs, Utc.of(clock.instant()), upstreamId, tenantId)
            .query(UUID.class)
            .optional();
        if (recorded.isPresent() && "failed".equals(status)) {
            credit(recorded.get());
        }
    }

    /** Credits the call if it failed, is charged and was not credited; a no-op when switched off. */
    void credit(UUID requestId) {
        if (!properties.creditFailedGenerations()) {
            return;
        }
        try {
            Optional<Adjustment> credit = adjustments.creditFailedGeneration(requestId, CREDIT_REASON);
            credit.ifPresent(c -> log.info("Credited {} USD to tenant {} for the failed generation of call {}",
                    c.amountUsd().negate(), c.tenant(), requestId));
        }
        catch (RuntimeException ex) {
            // The outcome is recorded: FailedGenerationCredits finds the missing credit.
            log.warn("Credit of failed call {} not recorded yet: {}", requestId, ex.getMessage());
        }
    }
}
