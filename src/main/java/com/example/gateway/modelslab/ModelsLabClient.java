package com.example.gateway.modelslab;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquireTimeoutException;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Sends a JSON body to a ModelsLab route and returns what came back, byte for byte. The caller builds the body, shared
 * key included; nothing here logs a body, so the key never reaches a log line.
 */
@Component
public class ModelsLabClient {

    private static final byte[] EMPTY = new byte[0];

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
        return webClient.post()
            .uri(uriTemplate, uriVariables)
            .contentType(MediaType.APPLICATION_JSON)
            .accept(MediaType.APPLICATION_JSON)
            .bodyValue(body)
            .exchangeToMono(response -> response.bodyToMono(byte[].class)
                .defaultIfEmpty(EMPTY)
                .map(bytes -> (UpstreamResult) new UpstreamResult.Answered(response.statusCode().value(), bytes,
                        since(start))))
            .toFuture()
            // A backstop only: WebClient's own connect, pool and response timeouts end every exchange before this.
            // (Reactor's timeout operator would build a description string for every call.)
            .orTimeout(maxDuration.toMillis(), TimeUnit.MILLISECONDS)
            .exceptionally(ex -> new UpstreamResult.Failed(classify(ex), describe(ex), since(start)));
    }

    private static UpstreamResult.Failure classify(Throwable ex) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof ConnectTimeoutException
                    || cause instanceof UnknownHostException || cause instanceof NoRouteToHostException
                    || cause instanceof PoolAcquireTimeoutException) {
                return UpstreamResult.Failure.NOT_SENT;
            }
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
}
