package com.example.gateway.proxy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

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
 * Turns what ModelsLab answered into what the client gets. ModelsLab's own answers pass through byte for byte, except
 * that {@code fetch_result} points at the gateway; answers that are the gateway's business (garbage, 5xx, a rejected
 * shared key, a full queue, no answer) become the gateway's error dialect, never saying which key was rejected.
 */
@Component
class UpstreamAnswers {

    private static final Logger log = LoggerFactory.getLogger(UpstreamAnswers.class);
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(30);

    private final JsonBodies json;

    UpstreamAnswers(JsonBodies json) {
        this.json = json;
    }

    /**
     * @param sharedKey never to be shown to a client: should ModelsLab ever echo it (say, in {@code meta}), it is
     * blanked out of the answer
     */
    ClientAnswer answer(UpstreamResult result, String requestId, URI gatewayBase, String sharedKey) {
        ClientAnswer answer = answer(result, requestId, gatewayBase);
        byte[] key = sharedKey.getBytes(StandardCharsets.UTF_8);
        if (indexOf(answer.body(), key) < 0) {
            return answer;
        }
        log.error("ModelsLab echoed the shared key in an answer; it was removed before the answer was passed on");
        String redacted = new String(answer.body(), StandardCharsets.UTF_8).replace(sharedKey, "[redacted]");
        return new ClientAnswer(answer.status(), redacted.getBytes(StandardCharsets.UTF_8), answer.outcome(),
                answer.upstreamStatus(), answer.upstreamId(), answer.retryAfter());
    }

    private ClientAnswer answer(UpstreamResult result, String requestId, URI gatewayBase) {
        return switch (result) {
            case UpstreamResult.Failed failed -> failed(failed, requestId);
            case UpstreamResult.Answered answered -> answered(answered, requestId, gatewayBase);
        };
    }

    private ClientAnswer failed(UpstreamResult.Failed failed, String requestId) {
        log.warn("ModelsLab request failed: {} ({})", failed.failure(), failed.cause());
        return switch (failed.failure()) {
            case TIMEOUT -> error(ErrorCode.UPSTREAM_TIMEOUT, CallOutcome.UPSTREAM_TIMEOUT, null, requestId,
                    "ModelsLab did not answer in time; the call may still have been processed.", null);
            case NOT_SENT, BROKEN -> error(ErrorCode.UPSTREAM_ERROR, CallOutcome.UPSTREAM_ERROR, null, requestId,
                    "ModelsLab could not be reached or broke the connection.", null);
        };
    }

    private ClientAnswer answered(UpstreamResult.Answered answered, String requestId, URI gatewayBase) {
        int status = answered.status();
        ObjectNode body = json.parseAnswer(answered.body());
        String message = body == null ? "" : message(body).toLowerCase(Locale.ROOT);
        if (status == 429 || message.contains("rate limit") || message.contains("queued requests")) {
            return error(ErrorCode.UPSTREAM_RATE_LIMITED, CallOutcome.UPSTREAM_RATE_LIMITED, status, requestId,
                    "ModelsLab's queue for this account is full; retry later.", retryAfter(body));
        }
        if (body == null || status >= 500 || (status >= 300 && status < 400)) {
            log.warn("ModelsLab answered HTTP {} with {}", status, body == null ? "a body that is not JSON" : "an error");
            return error(ErrorCode.UPSTREAM_ERROR, CallOutcome.UPSTREAM_ERROR, status, requestId,
                    "ModelsLab answered with an error the gateway cannot pass on.", null);
        }
        if (status == 401 || status == 402 || status == 403 || message.contains("api key")
                || message.contains("invalid key") || message.contains("insufficient credits")) {
            log.error("ModelsLab refused the gateway's account (HTTP {}): check the shared key and the account's credits",
                    status);
            return error(ErrorCode.UPSTREAM_ERROR, CallOutcome.UPSTREAM_ERROR, status, requestId,
                    "ModelsLab refused the gateway's account; the platform team has been alerted.", null);
        }
        String upstreamStatus = body.path("status").asString("");
        String upstreamId = idOf(body);
        CallOutcome outcome = switch (upstreamStatus) {
            case "success" -> CallOutcome.SUCCESS;
            case "processing" -> CallOutcome.PROCESSING;
            default -> CallOutcome.UPSTREAM_REJECTED;
        };
        byte[] clientBody = rewriteFetchResult(body, answered.body(), upstreamId, gatewayBase);
        return new ClientAnswer(status, clientBody, outcome, status, upstreamId, null);
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

    ClientAnswer error(ErrorCode code, CallOutcome outcome, Integer upstreamStatus, String requestId, String message,
            Duration retryAfter) {
        Long seconds = retryAfter == null ? null : retryAfter.toSeconds();
        byte[] body = json.write(ErrorBody.of(code, message, requestId, seconds));
        return new ClientAnswer(code.status().value(), body, outcome, upstreamStatus, null, retryAfter);
    }

    static String idOf(ObjectNode body) {
        JsonNode id = body.get("id");
        if (id == null || id.isNull() || !(id.isNumber() || id.isString())) {
            return null;
        }
        String text = id.asString();
        return text.isBlank() || text.length() > 64 ? null : text;
    }

    private static String message(ObjectNode body) {
        String message = body.path("message").asString("");
        return message.isEmpty() ? body.path("messege").asString("") : message;
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

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String lastSegment(String url) {
        String trimmed = url.replaceAll("/+$", "");
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }
}
