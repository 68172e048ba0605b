package com.example.gateway.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A fake ModelsLab over real HTTP (the JDK's server), shared by every test of the run: it records each request and
 * answers with whatever the current test tells it to.
 */
public final class FakeModelsLab {

    private static FakeModelsLab shared;

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong(80_000_000);
    private volatile Function<Received, Reply> responder = FakeModelsLab::success;

    private FakeModelsLab() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1000);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public static synchronized FakeModelsLab shared() {
        if (shared == null) {
            shared = new FakeModelsLab();
        }
        return shared;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Forgets what was received and goes back to answering success. */
    public void reset() {
        received.clear();
        responder = FakeModelsLab::success;
    }

    public void answer(Function<Received, Reply> responder) {
        this.responder = responder;
    }

    /**
     * Answers success after {@code millis}, counting how many requests it holds at once.
     * @return the most requests held at once so far
     */
    public AtomicInteger answerSlowlyCountingMostInFlight(long millis) {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        answer(request -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(millis);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            return success(request);
        });
        return most;
    }

    /**
     * Holds every request until {@code gate} opens (at most 30 s), then answers success, counting how many requests it
     * holds at once: a test can then let every call of a storm reach admission before any admitted call finishes.
     * @return the most requests held at once so far
     */
    public AtomicInteger holdAnswersUntil(CountDownLatch gate) {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        answer(request -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                gate.await(30, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            return success(request);
        });
        return most;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public long nextId() {
        return ids.incrementAndGet();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                Map.copyOf(exchange.getRequestHeaders()));
        received.add(request);
        Reply reply = responder.apply(request);
        try {
            if (reply.delayMillis() > 0) {
                Thread.sleep(reply.delayMillis());
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        if (reply.drop()) {
            // The request was read in full; closing before any answer breaks the connection after it was sent.
            exchange.close();
            return;
        }
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (reply.truncate()) {
            // Promise more than is sent, then close: the connection breaks in the middle of the answer.
            exchange.sendResponseHeaders(reply.status(), body.length + 1000);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body, 0, body.length / 2);
                out.flush();
            }
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** ModelsLab's success answer for a fresh generation. */
    public static Reply success(Received request) {
        long id = shared().nextId();
        return Reply.json(200, """
                {"status":"success","generationTime":0.65,"id":%d,
                 "output":["https://pub-3626123a908346a7a8be8d9295f44e26.r2.dev/generations/%d-0.png"],
                 "proxy_links":["https://cdn2.stablediffusionapi.com/generations/%d-0.png"],
                 "nsfw_content_detected":false,"webhook_status":"","tip_1":"keep me",
                 "meta":{"prompt":"cat","width":512,"height":512,"n_samples":1,"seed":1373787908,"safety_checker":"no"}}
                """.formatted(id, id, id).strip());
    }

    /** ModelsLab's queued answer, with the fetch link on another of its hosts. */
    public static Reply processing(long id) {
        return Reply.json(200, """
                {"status":"processing","tip":"Your image is processing in background","tip_1":"Try fetch later",\
                "eta":6,"messege":"Try to fetch request after seconds estimated",\
                "fetch_result":"https://stablediffusionapi.com/api/v6/images/fetch/%d","id":%d,"output":"",\
                "future_links":["https://pub-3626123a908346a7a8be8d9295f44e26.r2.dev/generations/%d.png"],"meta":{}}\
                """.formatted(id, id, id));
    }

    public record Received(String method, String path, String body, Map<String, List<String>> headers) {
    }

    public record Reply(int status, String body, long delayMillis, boolean truncate, boolean drop) {

        public static Reply json(int status, String body) {
            return new Reply(status, body, 0, false, false);
        }

        /** No answer at all: the connection is closed once the request has been read. */
        public static Reply dropped() {
            return new Reply(0, "", 0, false, true);
        }

        public Reply delayedBy(long millis) {
            return new Reply(status, body, millis, truncate, drop);
        }

        public Reply truncated() {
            return new Reply(status, body, delayMillis, true, drop);
        }
    }
}
