package com.example.gateway.proxy;

import java.net.URI;
import java.time.Duration;

import com.example.gateway.modelslab.UpstreamResult;
import com.example.gateway.quota.CallOutcome;
import com.example.gateway.errors.ErrorBody;
import com.example.gateway.errors.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

/**
 * Turns what ModelsLab answered into what the client gets, by {@link UpstreamVerdict}, the charging rule. ModelsLab's
 * own answers pass through byte for byte, except that {@code fetch_result} points at the gateway; answers that are the
 * gateway's business (garbage, 5xx, a rejected shared key, a full queue, no answer) become the gateway's error dialect,
 * never saying which key was rejected, and saying that the call is charged when it is.
 */
@Component
class UpstreamAnswers {

    private static final Logger log = LoggerFactory.getLogger(UpstreamAnswers.class);
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(30);

    private final JsonBodies json;
    private final SharedKeyRedaction redaction;
    private final RelayTokenRedaction relayTokens;

    UpstreamAnswers(JsonBodies json, SharedKeyRedaction redaction, RelayTokenRedaction relayTokens) {
        this.json = json;
        this.redaction = redaction;
        this.relayTokens = relayTokens;
    }

    /**
     * @param sharedKey never to be shown to a client: should ModelsLab ever echo it (say, in {@code meta}), in any of
     * the forms JSON allows, it is blanked out of the answer
     */
    ClientAnswer answer(UpstreamResult result, String requestId, URI gatewayBase, String sharedKey) {
        ClientAnswer answer = answer(result, requestId, gatewayBase);
        byte[] withoutTokens = relayTokens.redact(answer.body());
        byte[] redacted = redaction.redact(withoutTokens, sharedKey);
        if (redacted == withoutTokens) {
            return withoutTokens == answer.body() ? answer : new ClientAnswer(answer.status(), withoutTokens,
                    answer.outcome(), answer.upstreamStatus(), answer.upstreamId(), answer.retryAfter());
        }
        log.error("ModelsLab echoed the shared key in an answer; it was removed before the answer was passed on");
        return new ClientAnswer(answer.status(), redacted, answer.outcome(), answer.upstreamStatus(),
                answer.upstreamId(), answer.retryAfter());
    }

    /**
     * ModelsLab's callback body as the tenant gets it: like an answer, with {@code fetch_result} pointing at the
     * gateway and the shared key blanked out.
     */
    byte[] relayed(ObjectNode callback, URI gatewayBase, String sharedKey) {
        byte[] body = relayTokens.redact(rewriteFetchResult(callback, json.write(callback), idOf(callback), gatewayBase));
        byte[] redacted = redaction.redact(body, sharedKey);
        if (redacted != body) {
            log.error("ModelsLab echoed the shared key in a webhook; it was removed before the webhook was relayed");
        }
        return redacted;
    }

    /** ModelsLab's {@code retry_after} when the answer says the account's queue is full; {@code null} otherwise. */
    Duration queueFull(UpstreamResult result) {
        if (!(result instanceof UpstreamResult.Answered answered)) {
            return null;
        }
        ObjectNode body = json.parseAnswer(answered.body());
        return UpstreamVerdict.of(result, body) == UpstreamVerdict.QUEUE_FULL ? retryAfter(body) : null;
    }

    /** The answer for a call that waited its time for a slot of the account and was never forwarded. */
    ClientAnswer noSlot(String requestId, Duration retryAfter) {
        return error(ErrorCode.UPSTREAM_RATE_LIMITED, CallOutcome.UPSTREAM_RATE_LIMITED, null, requestId,
                "The ModelsLab account is busy and no slot came free in time; the call was not forwarded and is not "
                        + "charged. Retry later.", retryAfter);
    }

    private ClientAnswer answer(UpstreamResult result, String requestId, URI gatewayBase) {
        UpstreamResult.Answered answered = result instanceof UpstreamResult.Answered a ? a : null;
        ObjectNode body = answered == null ? null : json.parseAnswer(answered.body());
        Integer status = answered == null ? null : answered.status();
        UpstreamVerdict verdict = UpstreamVerdict.of(result, body);
        CallOutcome outcome = verdict.outcome();
        if (result instanceof UpstreamResult.Failed failed) {
            log.warn("ModelsLab request failed: {} ({})", failed.failure(), failed.cause());
        }
        return switch (verdict) {
            case GENERATED, QUEUED, REFUSED_REQUEST -> {
                String upstreamId = idOf(body);
                yield new ClientAnswer(status, rewriteFetchResult(body, answered.body(), upstreamId, gatewayBase),
                        outcome, status, upstreamId, null);
            }
            case QUEUE_FULL -> error(ErrorCode.UPSTREAM_RATE_LIMITED, outcome, status, requestId,
                    "ModelsLab's queue for this account is full; retry later.", retryAfter(body));
            case ACCOUNT_REFUSED -> {
                log.error("ModelsLab refused the gateway's account (HTTP {}): check the shared key and the account's "
                        + "credits", status);
                yield error(ErrorCode.UPSTREAM_ERROR, outcome, status, requestId,
                        "ModelsLab refused the gateway's account; the platform team has been alerted.", null);
            }
            case REFUSED_UNREADABLY -> {
                log.warn("ModelsLab answered HTTP {} with {}", status, body == null ? "a body that is not JSON" : "an error");
                yield error(ErrorCode.UPSTREAM_ERROR, outcome, status, requestId,
                        "ModelsLab answered with an error the gateway cannot pass on; the call is not charged.", null);
            }
            case NOT_SENT -> error(ErrorCode.UPSTREAM_ERROR, outcome, null, requestId,
                    "ModelsLab could not be reached; the call was not forwarded and is not charged.", null);
            case TIMED_OUT -> error(ErrorCode.UPSTREAM_TIMEOUT, outcome, null, requestId,
                    "ModelsLab did not answer in time and may still process the call, so a generation is charged "
                            + "(see X-Gateway-Cost-USD).", null);
            case UNCERTAIN -> {
                if (answered == null) {
                    yield error(ErrorCode.UPSTREAM_ERROR, outcome, null, requestId,
                            "The connection to ModelsLab broke after the call was sent, so ModelsLab may have "
                                    + "processed it and a generation is charged (see X-Gateway-Cost-USD).", null);
                }
                log.warn("ModelsLab answered HTTP {} with {}", status, body == null ? "a body that is not JSON"
                        : "an unknown status");
                // The id is kept for reconciliation with ModelsLab's account, and so that the tenant may fetch it.
                yield error(ErrorCode.UPSTREAM_ERROR, outcome, status, body == null ? null : idOf(body), requestId,
                        "ModelsLab's answer does not say whether it processed the call, so it may have and a "
                                + "generation is charged (see X-Gateway-Cost-USD).", null);
            }
        };
    }

    private byte[] rewriteFetchResult(ObjectNode body, byte[] original, String upstreamId, URI gatewayBase) {
        JsonNode fetchResult = body.get("fetch_result");
        if (fetchResult == null || !fetchResult.isString()) {
            return original;
        }
        String id = upstreamId != null ? upstreamId : lastSegment(fetchResult.asString());
        body.put("fetch_result", gatewayBase.toString().replaceAll("/+$", "") + "/api/v6/images/fetch/" + id);
        return json.write(body);
    }

    private ClientAnswer error(ErrorCode code, CallOutcome outcome, Integer upstreamStatus, String requestId,
            String message, Duration retryAfter) {
        return error(code, outcome, upstreamStatus, null, requestId, message, retryAfter);
    }

    private ClientAnswer error(ErrorCode code, CallOutcome outcome, Integer upstreamStatus, String upstreamId,
            String requestId, String message, Duration retryAfter) {
        Long seconds = retryAfter == null ? null : retryAfter.toSeconds();
        byte[] body = json.write(ErrorBody.of(code, message, requestId, seconds));
        return new ClientAnswer(code.status().value(), body, outcome, upstreamStatus, upstreamId, retryAfter);
    }

    static String idOf(ObjectNode body) {
        JsonNode id = body.get("id");
        if (id == null || id.isNull() || !(id.isNumber() || id.isString())) {
            return null;
        }
        String text = id.asString();
        return text.isBlank() || text.length() > 64 ? null : text;
    }

    /** ModelsLab's {@code retry_after}, a number or (loose types, as everywhere in its API) a numeric string. */
    private static Duration retryAfter(ObjectNode body) {
        JsonNode value = body == null ? null : body.get("retry_after");
        if (value != null && (value.isIntegralNumber() || (value.isString() && value.asString().matches("[0-9]{1,4}")))) {
            int seconds = value.asInt();
            if (seconds > 0 && seconds <= 3600) {
                return Duration.ofSeconds(seconds);
            }
        }
        return DEFAULT_RETRY_AFTER;
    }

    private static String lastSegment(String url) {
        String trimmed = url.replaceAll("/+$", "");
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }
}
