package com.example.gateway.upstream;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * An admitted call in the queue. Its place within its tenant is its priority and when it first started to wait (kept
 * when ModelsLab's 429 sends it back); {@code deadlineNanos} ({@link System#nanoTime()}) bounds all of its waiting.
 */
record Ticket(UUID requestId, String tenantId, UpstreamPriority priority, Instant enqueuedAt, long deadlineNanos) {

    Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    boolean expired() {
        return System.nanoTime() - deadlineNanos >= 0;
    }
}
