package com.example.gateway.proxy;

import com.example.gateway.ledger.CallLedger;
import com.example.gateway.webhook.FinalOutcomes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

/** What fetches need of queued generations: whose they are, and recording how they ended. */
@Component
class QueuedGenerations {

    private static final Logger log = LoggerFactory.getLogger(QueuedGenerations.class);

    private final CallLedger ledger;
    private final FinalOutcomes outcomes;
    private final JsonBodies json;

    QueuedGenerations(CallLedger ledger, FinalOutcomes outcomes, JsonBodies json) {
        this.ledger = ledger;
        this.outcomes = outcomes;
        this.json = json;
    }

    boolean ownsGeneration(String tenantId, String upstreamId) {
        return ledger.ownsGeneration(tenantId, upstreamId);
    }

    /** Records the generation's final outcome when the fetch's answer is ModelsLab's {@code success} or {@code failed}. */
    void fetched(String tenantId, String upstreamId, ClientAnswer answer) {
        ObjectNode body = json.parseAnswer(answer.body());
        String status = body == null ? null : body.path("status").asString(null);
        if (!FinalOutcomes.isFinal(status)) {
            return;
        }
        try {
            outcomes.recordFetched(tenantId, upstreamId, status, outputs(body));
        }
        catch (RuntimeException ex) {
            // The tenant still gets its answer; the webhook or the next fetch records the outcome.
            log.warn("Final outcome of generation {} not recorded: {}", upstreamId, ex.getMessage());
        }
    }

    /** How many images {@code output} lists; ModelsLab sends {@code ""} instead of an empty list at times. */
    static int outputs(ObjectNode body) {
        JsonNode output = body.get("output");
        return output != null && output.isArray() ? output.size() : 0;
    }
}
