package com.example.gateway.upstream;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import com.example.gateway.support.FakeModelsLab;

/**
 * What the fake ModelsLab saw of a queue test: when each generation arrived (by its prompt), and the most it held at
 * once. It answers success after {@code millis}, or its queue-full 429 beyond {@code limit} calls at once.
 */
final class Arrivals {

    record Arrival(String body, long nanos) {

        boolean of(String prompt) {
            return body.contains("\"" + prompt);
        }
    }

    private final ConcurrentLinkedQueue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger most = new AtomicInteger();
    private final AtomicInteger queueFull = new AtomicInteger();

    static Arrivals answeringAfter(FakeModelsLab upstream, long millis) {
        return answeringAfter(upstream, millis, Integer.MAX_VALUE, 0);
    }

    static Arrivals answeringAfter(FakeModelsLab upstream, long millis, int limit, int retryAfterSeconds) {
        Arrivals arrivals = new Arrivals();
        upstream.answer(request -> {
            int now = arrivals.inFlight.incrementAndGet();
            try {
                if (now > limit) {
                    arrivals.queueFull.incrementAndGet();
                    return FakeModelsLab.Reply.json(429, """
                            {"status":"error","message":"Rate limit exceeded. Maximum %d queued requests allowed.",\
                            "retry_after":%d}""".formatted(limit, retryAfterSeconds));
                }
                arrivals.arrivals.add(new Arrival(request.body(), System.nanoTime()));
                arrivals.most.accumulateAndGet(now, Math::max);
                Thread.sleep(millis);
                return FakeModelsLab.success(request);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return FakeModelsLab.success(request);
            }
            finally {
                arrivals.inFlight.decrementAndGet();
            }
        });
        return arrivals;
    }

    /** The generations ModelsLab took on (not those it refused), in the order they arrived. */
    List<Arrival> taken() {
        return List.copyOf(arrivals);
    }

    int mostAtOnce() {
        return most.get();
    }

    int refusedAsQueueFull() {
        return queueFull.get();
    }
}
