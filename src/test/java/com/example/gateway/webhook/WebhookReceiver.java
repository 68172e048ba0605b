package com.example.gateway.webhook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpServer;

/**
 * A tenant's webhook receiver on 127.0.0.1: records every request it gets, and answers 500 to as many as it is told to
 * fail first.
 */
final class WebhookReceiver implements AutoCloseable {

    private final HttpServer server;
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicInteger failuresToServe = new AtomicInteger();

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    static WebhookReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            WebhookReceiver receiver = new WebhookReceiver(server);
            server.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                receiver.attempts.incrementAndGet();
                if (receiver.failuresToServe.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    exchange.sendResponseHeaders(500, -1);
                }
                else {
                    Map<String, String> headers = new java.util.HashMap<>();
                    exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(),
                            values.getFirst()));
                    receiver.deliveries.add(new Delivery(headers, new String(body, StandardCharsets.UTF_8)));
                    exchange.sendResponseHeaders(204, -1);
                }
                exchange.close();
            });
            server.start();
            return receiver;
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    void failNext(int times) {
        failuresToServe.set(times);
    }

    List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    int attempts() {
        return attempts.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    record Delivery(Map<String, String> headers, String body) {

        /** Verifies the delivery as a Standard Webhooks receiver would, with {@code whsec_...}. */
        boolean verifiesWith(String secret) {
            byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
            String signed = headers.get("webhook-id") + "." + headers.get("webhook-timestamp") + "." + body;
            String expected;
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
            }
            catch (GeneralSecurityException ex) {
                throw new IllegalStateException(ex);
            }
            String signatures = headers.get("webhook-signature");
            return signatures != null && Arrays.asList(signatures.split(" ")).contains(expected);
        }
    }
}
