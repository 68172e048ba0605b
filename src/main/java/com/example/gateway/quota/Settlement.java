package com.example.gateway.quota;

import java.math.BigDecimal;
import java.util.UUID;

/** How an admitted call ended; {@code cost} is what it is charged (zero when the outcome is not charged). */
public record Settlement(UUID requestId, CallOutcome outcome, BigDecimal cost, Integer upstreamStatus,
        Integer httpStatus, String upstreamId, Integer upstreamLatencyMs) {
}
