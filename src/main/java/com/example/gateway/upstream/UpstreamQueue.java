package com.example.gateway.upstream;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import org.springframework.stereotype.Service;

/**
 * Forwards admitted calls within the ModelsLab account's cap. Without a cap a call is sent at once, with nothing added
 * to its path. With one, the call waits for a slot in the fair queue (its reservation holds its budget meanwhile), is
 * sent, and gives the slot back when ModelsLab answers. Should ModelsLab answer that its queue is full after all, the
 * call gives its slot back, the account's cap is lowered, and the call is sent again after ModelsLab's
 * {@code retry_after} if its wait bound allows; else ModelsLab's answer stands.
 */
@Service
public class UpstreamQueue {

    private static final Executor VIRTUAL = Thread::startVirtualThread;

    private final QueueSettings settings;
    private final UpstreamDispatcher dispatcher;
    private final QueueMetrics metrics;
    private final Clock clock;

    UpstreamQueue(QueueSettings settings, UpstreamDispatcher dispatcher, QueueMetrics metrics, Clock clock) {
        this.settings = settings;
        this.dispatcher = dispatcher;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * @param send sends the call once; may be called again after a queue-full answer
     * @param queueFull ModelsLab's {@code retry_after} when an answer says its queue is full, else {@code null}
     * @return the last answer; completes exceptionally with {@link UpstreamWaitExceeded} when no slot came in time
     */
    public <T> CompletableFuture<T> forward(UUID requestId, String tenantId, UpstreamPriority priority,
            Supplier<CompletableFuture<T>> send, Function<T, Duration> queueFull) {
        if (!settings.on()) {
            return send.get();
        }
        Ticket ticket = new Ticket(requestId, tenantId, priority, clock.instant(),
                System.nanoTime() + settings.maxQueueWait().toNanos());
        return attempt(ticket, send, queueFull);
    }

    private <T> CompletableFuture<T> attempt(Ticket ticket, Supplier<CompletableFuture<T>> send,
            Function<T, Duration> queueFull) {
        return dispatcher.await(ticket)
            .thenCompose(slot -> send.get())
            .handle((result, failure) -> {
                if (failure != null) {
                    if (!(unwrap(failure) instanceof UpstreamWaitExceeded)) {
                        dispatcher.release(ticket.requestId(), false);
                    }
                    return CompletableFuture.<T>failedFuture(unwrap(failure));
                }
                Duration retryAfter = queueFull.apply(result);
                dispatcher.release(ticket.requestId(), retryAfter != null);
                if (retryAfter == null || retryAfter.compareTo(ticket.remaining()) >= 0) {
                    return CompletableFuture.completedFuture(result);
                }
                metrics.absorbed();
                Executor later = CompletableFuture.delayedExecutor(retryAfter.toMillis(), TimeUnit.MILLISECONDS,
                        VIRTUAL);
                return CompletableFuture.runAsync(() -> { }, later).thenCompose(x -> attempt(ticket, send, queueFull));
            })
            .thenCompose(Function.identity());
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
    }
}
