package com.example.gateway.upstream;

import org.springframework.stereotype.Component;

/** The account's slots and waiting calls, across all replicas, for readers outside the queue (the console). */
@Component
public class UpstreamStatus {

    private final QueueStore store;

    UpstreamStatus(QueueStore store) {
        this.store = store;
    }

    /** As {@code GET /admin/upstream} shows it. */
    public UpstreamView now() {
        return store.view();
    }
}
