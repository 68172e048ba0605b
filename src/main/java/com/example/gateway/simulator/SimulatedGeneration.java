package com.example.gateway.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * One generation the simulator has accepted: done from the start, or processing until {@code readyAt}.
 */
record SimulatedGeneration(long id, GenerationRequest request, UUID image, Instant createdAt, Instant readyAt) {

    // ModelsLab's own hosts, because clients see these and the gateway rewrites fetch_result; nothing is ever served
    // from the image links.
    private static final String FETCH_RESULT = "https://modelslab.com/api/v6/images/fetch/";
    private static final String OUTPUT = "https://pub-simulator.r2.dev/generations/";
    private static final String PROXY = "https://cdn2.stablediffusionapi.com/generations/";

    boolean processingAt(Instant now) {
        return now.isBefore(readyAt);
    }

    ModelsLabAnswer answerAt(Instant now) {
        if (processingAt(now)) {
            long eta = Math.max(1, (Duration.between(now, readyAt).toMillis() + 999) / 1000);
            return new ModelsLabAnswer.Processing(eta, FETCH_RESULT + id, id, links(OUTPUT), request.meta());
        }
        if (request.failing()) {
            return ModelsLabAnswer.Failed.of(id, request.meta());
        }
        return new ModelsLabAnswer.Success(generationSeconds(), id, links(OUTPUT), links(PROXY), request.meta());
    }

    /** What ModelsLab POSTs to the call's webhook once the generation is done. */
    WebhookPayload webhookPayload() {
        boolean failed = request.failing();
        return new WebhookPayload(failed ? "failed" : "success", id, failed ? List.of() : links(OUTPUT),
                generationSeconds(), request.trackId(), request.meta());
    }

    private List<String> links(String base) {
        return IntStream.range(0, request.samples()).mapToObj(i -> base + image + "-" + i + ".png").toList();
    }

    private double generationSeconds() {
        long queuedMillis = Duration.between(createdAt, readyAt).toMillis();
        // Immediate answers still report a plausible, sample-dependent time, as ModelsLab's always do.
        return queuedMillis > 0 ? queuedMillis / 1000.0 : 0.5 + 0.15 * request.samples();
    }
}
