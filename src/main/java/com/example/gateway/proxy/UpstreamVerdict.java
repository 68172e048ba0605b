package com.example.gateway.proxy;

import java.util.Locale;

import com.example.gateway.modelslab.UpstreamResult;
import com.example.gateway.quota.CallOutcome;
import tools.jackson.databind.node.ObjectNode;

/**
 * The gateway's one charging rule: what one exchange with ModelsLab says about whether ModelsLab did the work. A call
 * is charged when ModelsLab may have done it (the request was sent and not explicitly refused) and not charged when it
 * certainly did not (never sent, or refused: {@code status} {@code error} or {@code failed}, a 3xx or 4xx, a full
 * queue). Its message is read only on answers that are errors, so a success that happens to mention "rate limit" or
 * "api key" in its text is still a success.
 */
enum UpstreamVerdict {

    /** {@code status: "success"} with a 2xx. Passed on. */
    GENERATED(CallOutcome.SUCCESS),
    /** {@code status: "processing"} with a 2xx. Passed on, {@code fetch_result} pointing at the gateway. */
    QUEUED(CallOutcome.PROCESSING),
    /** ModelsLab's verdict on the client's own request: its error answer with a 2xx or 4xx. Passed on. */
    REFUSED_REQUEST(CallOutcome.UPSTREAM_REJECTED),
    /** The account's queue is full (429, or its error answer saying so). */
    QUEUE_FULL(CallOutcome.UPSTREAM_RATE_LIMITED),
    /** ModelsLab refused the shared key or the account (401, 402, 403, or its error answer saying so). */
    ACCOUNT_REFUSED(CallOutcome.UPSTREAM_ERROR),
    /** A refusal the client cannot be shown: ModelsLab's error answer with a 3xx or 5xx, a 3xx, a 4xx not in JSON. */
    REFUSED_UNREADABLY(CallOutcome.UPSTREAM_ERROR),
    /** The request was not completely written. */
    NOT_SENT(CallOutcome.UPSTREAM_ERROR),
    /** The request was sent and no answer came in time. */
    TIMED_OUT(CallOutcome.UPSTREAM_TIMEOUT),
    /**
     * The request was sent and nothing says whether it was done: the connection broke afterwards, a 5xx that is not
     * ModelsLab's error answer (a CDN's 524), a 2xx with an unknown {@code status} or a body that is not JSON.
     */
    UNCERTAIN(CallOutcome.UPSTREAM_UNKNOWN);

    private final CallOutcome outcome;

    UpstreamVerdict(CallOutcome outcome) {
        this.outcome = outcome;
    }

    /** How the call is recorded in the ledger, and so whether it is charged. */
    CallOutcome outcome() {
        return outcome;
    }

    /**
     * @param body the answer's body parsed as a JSON object, {@code null} when it is not one (or for a failure)
     */
    static UpstreamVerdict of(UpstreamResult result, ObjectNode body) {
        return switch (result) {
            case UpstreamResult.Failed failed -> switch (failed.failure()) {
                case NOT_SENT -> NOT_SENT;
                case TIMEOUT -> TIMED_OUT;
                case BROKEN -> UNCERTAIN;
            };
            case UpstreamResult.Answered answered -> answered(answered.status(), body);
        };
    }

    private static UpstreamVerdict answered(int httpStatus, ObjectNode body) {
        String status = body == null ? "" : body.path("status").asString("");
        boolean explicitError = status.equals("error") || status.equals("failed");
        boolean successful = httpStatus >= 200 && httpStatus < 300;
        if (successful && !explicitError) {
            return switch (status) {
                case "success" -> GENERATED;
                case "processing" -> QUEUED;
                default -> UNCERTAIN;
            };
        }
        // An error answer from here on, so its message may be read: it can name a refusal.
        String message = message(body);
        if (httpStatus == 429 || message.contains("rate limit") || message.contains("queued requests")) {
            return QUEUE_FULL;
        }
        if (httpStatus == 401 || httpStatus == 402 || httpStatus == 403 || message.contains("api key")
                || message.contains("invalid key") || message.contains("insufficient credits")) {
            return ACCOUNT_REFUSED;
        }
        if (!explicitError && (httpStatus >= 500 || httpStatus < 200)) {
            return UNCERTAIN;
        }
        if (body == null || httpStatus >= 300 && httpStatus < 400 || httpStatus >= 500) {
            return REFUSED_UNREADABLY;
        }
        return REFUSED_REQUEST;
    }

    private static String message(ObjectNode body) {
        if (body == null) {
            return "";
        }
        String message = body.path("message").asString("");
        return (message.isEmpty() ? body.path("messege").asString("") : message).toLowerCase(Locale.ROOT);
    }
}
