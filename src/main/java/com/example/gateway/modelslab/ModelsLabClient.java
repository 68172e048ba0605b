package com.example.gateway.modelslab;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import io.netty.handler.timeout.ReadTimeoutException;
import reactor.netty.http.client.HttpClient;
import reactor.util.context.Context;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Sends a JSON body to a ModelsLab route and returns what came back, byte for byte. The caller builds the body, shared
 * key included; nothing here logs a body, so the key never reaches a log line. The wallet call is the exception: it
 * builds its own body and reads the answer, since only the balance leaves this package.
 */
@Component
public class ModelsLabClient {

    private static final byte[] EMPTY = new byte[0];

    /**
     * Runs of characters that could be a key: whatever ModelsLab's error text quotes (the key we sent, or one it
     * thinks we sent) must not reach a snapshot or a log line.
     */
    private static final Pattern KEY_LIKE = Pattern.compile("[A-Za-z0-9_\\-]{16,}");

    private static final int MAX_REASON = 200;

    // Balances as exact decimals: 43.6 read as a double would come back as 43.60000000000000142...
    private static final JsonMapper WALLET_JSON = JsonMapper.builder()
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .build();

    private final WebClient webClient;
    private final ModelsLabProperties properties;
    private final Duration maxDuration;

    ModelsLabClient(WebClient modelsLabWebClient, ModelsLabProperties properties) {
        this.webClient = modelsLabWebClient;
        this.properties = properties;
        this.maxDuration = properties.connectTimeout()
            .plus(properties.pendingAcquireTimeout())
            .plus(properties.responseTimeout())
            .plusSeconds(5);
    }

    /** The shared ModelsLab key, to be put in the body of every forwarded request. */
    public String sharedKey() {
        return properties.apiKey();
    }

    /**
     * POSTs {@code body} to {@code uriTemplate} (relative to {@code MODELSLAB_BASE_URL}). No thread waits for the
     * answer: with thousands of calls at ModelsLab at once, none holds a thread or its stack.
     * @return completes, on a Netty thread, with the answer or the failure; never exceptionally
     */
    public CompletableFuture<UpstreamResult> send(String uriTemplate, byte[] body, Object... uriVariables) {
        long start = System.nanoTime();
        RequestSent sent = new RequestSent();
        return webClient.post()
            .uri(uriTemplate, uriVariables)
            .contentType(MediaType.APPLICATION_JSON)
            .accept(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchangeToMono(response -> response.bodyToMono(byte[].class)
                .defaultIfEmpty(EMPTY)
                .map(bytes -> (UpstreamResult) new UpstreamResult.Answered(response.statusCode().value(), bytes,
                        since(start))))
            .contextWrite(Context.of(RequestSent.class, sent))
            .toFuture()
            // A backstop only: WebClient's own connect, pool and response timeouts end every exchange before this.
            // (Reactor's timeout operator would build a description string for every call.)
            .orTimeout(maxDuration.toMillis(), TimeUnit.MILLISECONDS)
            .exceptionally(ex -> new UpstreamResult.Failed(classify(ex, sent.get()), describe(ex), since(start)));
    }

    /**
     * ModelsLab's account balance ({@code POST /api/wallet_balance} with the shared key). Blocks the calling thread
     * for at most as long as a generation call may take. Never throws: any failure, or an answer that is not a USD
     * balance, is {@link WalletBalance.Unknown} with a reason that names no key.
     */
    public WalletBalance walletBalance() {
        byte[] body = WALLET_JSON.writeValueAsBytes(JsonNodeFactory.instance.objectNode().put("key", sharedKey()));
        UpstreamResult result;
        try {
            result = send("/api/wallet_balance", body).join();
        }
        catch (RuntimeException ex) {
            return unknown("call failed: " + describe(ex));
        }
        return switch (result) {
            case UpstreamResult.Failed failed -> unknown("no answer (" + failed.failure().name().toLowerCase()
                    + "): " + failed.cause());
            case UpstreamResult.Answered answered -> readBalance(answered);
        };
    }

    private WalletBalance readBalance(UpstreamResult.Answered answered) {
        JsonNode json;
        try {
            json = WALLET_JSON.readTree(answered.body());
        }
        catch (JacksonException ex) {
            return unknown("HTTP " + answered.status() + ", not JSON");
        }
        if (json == null || !json.isObject()) {
            return unknown("HTTP " + answered.status() + ", not a JSON object");
        }
        String status = json.path("status").asString("");
        if (answered.status() / 100 != 2 || !"success".equals(status)) {
            String message = json.path("message").asString(json.path("messege").asString(""));
            return unknown("HTTP " + answered.status() + ", status '" + status + "': " + message);
        }
        JsonNode balance = json.path("data").path("balance");
        String currency = json.path("data").path("currency").asString("");
        if (!balance.isNumber()) {
            return unknown("HTTP " + answered.status() + ", no numeric data.balance");
        }
        if (!"USD".equals(currency)) {
            return unknown("balance in '" + currency + "', not USD");
        }
        return new WalletBalance.Known(balance.decimalValue());
    }

    private WalletBalance.Unknown unknown(String reason) {
        String redacted = reason;
        if (!sharedKey().isEmpty()) {
            redacted = redacted.replace(sharedKey(), "[redacted]");
        }
        redacted = KEY_LIKE.matcher(redacted).replaceAll("[redacted]");
        if (redacted.length() > MAX_REASON) {
            redacted = redacted.substring(0, MAX_REASON);
        }
        return new WalletBalance.Unknown(redacted);
    }

    /**
     * Has {@code httpClient} tell {@link #send} when a request has been completely written, which is what decides
     * whether a failed call may have reached ModelsLab.
     */
    static HttpClient reportingSentRequests(HttpClient httpClient) {
        return httpClient.doAfterRequest((request, connection) -> request.currentContextView()
            .getOrEmpty(RequestSent.class)
            .ifPresent(sent -> ((RequestSent) sent).set(true)));
    }

    /**
     * Whether ModelsLab may have got the request decides the charge, and the exception does not tell: Reactor Netty
     * throws the same {@code PrematureCloseException} when the connection closes while the request is being written,
     * after it was written, and in the middle of the answer. So the request's own state decides. One not completely
     * written cannot have been processed (ModelsLab's server needs the whole body to read it); one that was may have
     * been, whatever broke afterwards.
     */
    private static UpstreamResult.Failure classify(Throwable ex, boolean requestSent) {
        if (!requestSent) {
            return UpstreamResult.Failure.NOT_SENT;
        }
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof ReadTimeoutException || cause instanceof TimeoutException) {
                return UpstreamResult.Failure.TIMEOUT;
            }
        }
        return UpstreamResult.Failure.BROKEN;
    }

    /** The root cause's class and message: what a log line needs to tell the failures apart. */
    private static String describe(Throwable ex) {
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * Set by Reactor Netty once the request is completely written; the call's Reactor context carries it there. Set on
     * a Netty thread, read on whichever thread completes the call.
     */
    private static final class RequestSent extends AtomicBoolean {
    }
}
