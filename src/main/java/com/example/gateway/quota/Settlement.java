package com.example.gateway.quota;

import java.math.BigDecimal;
import java.util.UUID;

/**
 * How an admitted call ended; {@code cost} is what it is charged (zero when the outcome is not charged), and
 * {@code httpStatus} with {@code clientBody} the answer its client got (kept for replay when the call had an
 * Idempotency-Key).
 */
public record Settlement(UUID requestId, CallOutcome outcome, BigDecimal cost, Integer upstreamStatus,
        int httpStatus, String upstreamId, Integer upstreamLatencyMs, byte[] clientBody) {

    public BigDecimal chargedCost() {
        return outcome.charged() ? cost : BigDecimal.ZERO;
    }
}
