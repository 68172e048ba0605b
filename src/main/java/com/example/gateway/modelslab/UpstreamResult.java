package com.example.gateway.modelslab;

import java.time.Duration;

/** What came of one request to ModelsLab. */
public sealed interface UpstreamResult {

    /** How long the exchange took, from sending to the last byte or the failure. */
    Duration latency();

    /** ModelsLab answered with this HTTP status and body (not necessarily JSON). */
    record Answered(int status, byte[] body, Duration latency) implements UpstreamResult {
    }

    /**
     * No answer: see {@link Failure} for whether the request may have reached ModelsLab.
     * @param cause what went wrong, for the log (the root exception's class and message; never a body)
     */
    record Failed(Failure failure, String cause, Duration latency) implements UpstreamResult {
    }

    /** Whether ModelsLab may have got the request: what decides whether a failed call is charged. */
    enum Failure {
        /**
         * The request was not completely written: no connection could be made (refused, unknown host, connect or pool
         * timeout), or the connection broke while the request was being written. ModelsLab cannot have done the work.
         */
        NOT_SENT,
        /** The request was sent and no answer came in time. ModelsLab may have done the work. */
        TIMEOUT,
        /**
         * The request was sent, then the connection broke (before or during the answer) or the answer could not be
         * read. ModelsLab may have done the work.
         */
        BROKEN
    }
}
