package com.example.gateway.ledger;

import java.util.UUID;

import com.example.gateway.quota.CallOutcome;

/**
 * A call with an Idempotency-Key got its ledger row. Published synchronously inside the transaction that writes the
 * row, so that a listener's writes (the idempotency package keeps the answer for replay) commit with it or not at all.
 */
public record CallRecorded(UUID requestId, String tenantId, String idempotencyKey, CallOutcome outcome,
        int httpStatus, byte[] clientBody) {
}
