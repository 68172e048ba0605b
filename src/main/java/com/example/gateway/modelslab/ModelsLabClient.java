package com.example.gateway.modelslab;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private static final Logger log = LoggerFactory.getLogger(ModelsLabClient.class);
    private static final byte[] EMPTY = new byte[0];

    private final WebClient webClient;
    private final ModelsLabProperties properties;
    private final Duration blockTimeout;

    ModelsLabClient(WebClient modelsLabWebClient, ModelsLabProperties properties) {
        this.webClient = modelsLabWebClient;
        this.properties = properties;
        this.blockTimeout = properties.connectTimeout()
            .plus(properties.pendingAcquireTimeout())
            .plus(properties.responseTimeout())
            .plusSeconds(5);
    }

    /** The shared ModelsLab key, to be put in the body of every forwarded request. */
    public String sharedKey() {
        return properties.apiKey();
    }

    /**
     * POSTs {@code body} to {@code uriTemplate} (relative to {@code MODELSLAB_BASE_URL}); blocks the calling (virtual)
     * thread until the answer or a failure.
     */
    public UpstreamResult post(String uriTemplate, byte[] body, Object... uriVariables) {
        long start = System.nanoTime();
        try {
            return webClient.post()
                .uri(uriTemplate, uriVariables)
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchangeToMono(response -> response.bodyToMono(byte[].class)
                    .defaultIfEmpty(EMPTY)
                    .map(bytes -> (UpstreamResult) new UpstreamResult.Answered(response.statusCode().value(), bytes,
                            since(start))))
                .block(blockTimeout);
        }
        catch (RuntimeException ex) {
            UpstreamResult.Failure failure = classify(ex);
            Throwable root = rootCause(ex);
            log.warn("ModelsLab request to {} failed: {} ({}: {})", uriTemplate, failure, root.getClass().getSimpleName(),
                    root.getMessage());
            return new UpstreamResult.Failed(failure, since(start));
        }
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
        if (ex instanceof IllegalStateException && ex.getMessage() != null && ex.getMessage().startsWith("Timeout")) {
            return UpstreamResult.Failure.TIMEOUT;
        }
        return UpstreamResult.Failure.BROKEN;
    }

    private static Throwable rootCause(Throwable ex) {
        Throwable cause = ex;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
