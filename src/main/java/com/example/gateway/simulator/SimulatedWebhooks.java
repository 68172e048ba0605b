package com.example.gateway.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * POSTs a queued generation's result to its webhook when it is done, as ModelsLab does: once, or twice when
 * configured to (ModelsLab delivers at least once, so receivers must take a repeat). No retries, no redirects.
 */
class SimulatedWebhooks implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimulatedWebhooks.class);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("simulator-webhooks").factory());
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER).build();
    private final JsonMapper json;
    private final int deliveries;

    SimulatedWebhooks(JsonMapper json, boolean repeat) {
        this.json = json;
        this.deliveries = repeat ? 2 : 1;
    }

    void whenDone(SimulatedGeneration generation, Instant now) {
        if (generation.request().webhook() == null) {
            return;
        }
        long delay = Math.max(0, Duration.between(now, generation.readyAt()).toMillis());
        scheduler.schedule(() -> post(generation), delay, TimeUnit.MILLISECONDS);
    }

    private void post(SimulatedGeneration generation) {
        byte[] body = json.writeValueAsBytes(generation.webhookPayload());
        for (int i = 0; i < deliveries; i++) {
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create(generation.request().webhook()))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                log.info("Simulator posted generation {}'s webhook: HTTP {}", generation.id(), status);
            }
            catch (IOException | IllegalArgumentException ex) {
                log.warn("Simulator could not post generation {}'s webhook: {}", generation.id(), ex.getMessage());
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
