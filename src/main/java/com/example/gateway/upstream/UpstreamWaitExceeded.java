package com.example.gateway.upstream;

import java.time.Duration;

/**
 * An admitted call that got no slot of the ModelsLab account within {@code gateway.upstream.max-queue-wait}: it was
 * never forwarded, so it is settled uncharged and its client is told to retry after {@link #retryAfter()}.
 */
public class UpstreamWaitExceeded extends RuntimeException {

    private final Duration retryAfter;

    UpstreamWaitExceeded(Duration retryAfter) {
        super("no upstream slot within the queue wait", null, false, false);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
