package com.example.gateway.upstream;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A call of this replica waiting for a slot: completed when granted, exceptionally when refused. */
record Waiter(Ticket ticket, CompletableFuture<Void> slot, long sinceNanos) {

    Duration remaining() {
        return ticket.remaining();
    }

    Duration waited() {
        return Duration.ofNanos(System.nanoTime() - sinceNanos);
    }
}
