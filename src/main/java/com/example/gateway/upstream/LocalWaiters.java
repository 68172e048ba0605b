package com.example.gateway.upstream;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * This replica's side of the queue: its calls that wait, and what its dispatcher has still to write for them (calls
 * that started waiting, slots given back, what ModelsLab answered). Any thread adds; only the dispatcher takes.
 * Completions run on a virtual thread of their own, so the dispatcher never runs a call's continuation.
 */
final class LocalWaiters {

    private final QueueMetrics metrics;
    private final Map<UUID, Waiter> waiting = new ConcurrentHashMap<>();
    private final Queue<Waiter> arriving = new ConcurrentLinkedQueue<>();
    private final Queue<UUID> released = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queueFull = new AtomicInteger();
    private final AtomicInteger succeeded = new AtomicInteger();

    LocalWaiters(QueueMetrics metrics) {
        this.metrics = metrics;
    }

    void arrive(Waiter waiter) {
        metrics.startedWaiting(waiter.ticket().tenantId());
        arriving.add(waiter);
    }

    void release(UUID requestId, boolean wasQueueFull) {
        released.add(requestId);
        (wasQueueFull ? queueFull : succeeded).incrementAndGet();
    }

    List<Waiter> takeArrivals() {
        return drain(arriving);
    }

    /** The arrivals now written: they wait for a grant. */
    void waiting(List<Waiter> written) {
        written.forEach(waiter -> waiting.put(waiter.ticket().requestId(), waiter));
    }

    List<UUID> takeReleased() {
        return drain(released);
    }

    /** Slots whose release could not be written yet, or rows to delete once the database is back. */
    void releaseLater(Collection<UUID> requestIds) {
        released.addAll(requestIds);
    }

    /** @return {queue-full answers, successful answers} since the last take */
    int[] takeAnswers() {
        return new int[] { queueFull.getAndSet(0), succeeded.getAndSet(0) };
    }

    /** Puts back answers a failed grant did not learn from. */
    void answersNotLearned(int[] answers) {
        queueFull.addAndGet(answers[0]);
        succeeded.addAndGet(answers[1]);
    }

    boolean anyWaiting() {
        return !waiting.isEmpty();
    }

    Set<UUID> waitingIds() {
        return Set.copyOf(waiting.keySet());
    }

    List<UUID> expired() {
        return waiting.values().stream()
            .filter(waiter -> waiter.ticket().expired())
            .map(waiter -> waiter.ticket().requestId())
            .toList();
    }

    void grant(UUID requestId) {
        Waiter waiter = waiting.remove(requestId);
        if (waiter != null) {
            metrics.stoppedWaiting(waiter.ticket().tenantId(), waiter.waited(), true);
            Thread.startVirtualThread(() -> waiter.slot().complete(null));
        }
    }

    void refuse(UUID requestId) {
        Waiter waiter = waiting.remove(requestId);
        if (waiter != null) {
            refuse(waiter);
        }
    }

    void refuse(Waiter waiter) {
        metrics.stoppedWaiting(waiter.ticket().tenantId(), waiter.waited(), false);
        Thread.startVirtualThread(() -> waiter.slot()
            .completeExceptionally(new UpstreamWaitExceeded(UpstreamDispatcher.RETRY_AFTER)));
    }

    /** On shutdown: every call still waiting or arriving is refused. */
    void refuseAll() {
        takeArrivals().forEach(this::refuse);
        waitingIds().forEach(this::refuse);
    }

    private static <T> List<T> drain(Queue<T> queue) {
        List<T> items = new ArrayList<>();
        for (T item = queue.poll(); item != null; item = queue.poll()) {
            items.add(item);
        }
        return items;
    }
}
