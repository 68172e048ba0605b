package com.example.gateway.webhook;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.example.gateway.units.Utc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Credits failed generations whose failure was recorded before their call's settlement, so that the credit found no
 * ledger row then. Every replica runs this; the credit's unique index makes a second credit of a call impossible.
 */
@Component
class FailedGenerationCredits {

    private static final Logger log = LoggerFactory.getLogger(FailedGenerationCredits.class);
    /** Far beyond any settlement delay, and bounds the search to recent failures. */
    private static final Duration LOOK_BACK = Duration.ofDays(8);

    private static final String DUE = """
            SELECT f.request_id FROM generation_final_outcome f
            WHERE f.outcome = 'failed' AND f.recorded_at > ?
              AND NOT EXISTS (SELECT 1 FROM ledger_adjustment a
                              WHERE a.request_id = f.request_id AND a.kind = 'failed_generation_credit')
              AND EXISTS (SELECT 1 FROM call_ledger l WHERE l.request_id = f.request_id AND l.cost_usd > 0)
            ORDER BY f.recorded_at
            LIMIT 100
            """;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final FinalOutcomes outcomes;
    private final CreditProperties properties;

    FailedGenerationCredits(JdbcClient jdbc, Clock clock, FinalOutcomes outcomes, CreditProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.outcomes = outcomes;
        this.properties = properties;
    }

    @Scheduled(fixedDelayString = "${gateway.webhooks.relay.credit-retry-interval:10s}")
    void creditLateSettlements() {
        if (!properties.creditFailedGenerations()) {
            return;
        }
        try {
            List<UUID> due = jdbc.sql(DUE).param(Utc.of(clock.instant().minus(LOOK_BACK))).query(UUID.class).list();
            due.forEach(outcomes::credit);
        }
        catch (RuntimeException ex) {
            log.warn("Crediting failed generations failed, to be retried: {}", ex.getMessage());
        }
    }
}
