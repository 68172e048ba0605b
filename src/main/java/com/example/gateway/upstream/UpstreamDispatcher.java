package com.example.gateway.upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * This replica's one dispatcher: a single thread that, when woken (a call of this replica starts waiting or gives its
 * slot back, another replica granted one of ours) or every {@code poll-interval}, writes what changed, runs the grant
 * for the whole account and completes the calls of this replica that got a slot or ran out of time. Waiting calls hold
 * nothing but a future: no thread, no connection. Runs only when the account has a cap.
 * <p>
 * A lifecycle bean that stops after the web server has finished its requests and before the ledger's group commit.
 */
@Component
class UpstreamDispatcher implements SmartLifecycle {

    /** Between the web server's graceful stop ({@code DEFAULT_PHASE - 1024}) and the group commit's (- 4096). */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 3072;

    /** What a client refused for want of a slot is told: the queue moves, so soon. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(UpstreamDispatcher.class);

    private final QueueStore store;
    private final QueueSettings settings;
    private final QueueMetrics metrics;
    private final GrantNotifications notifications;
    private final Map<UUID, Waiter> waiting = new ConcurrentHashMap<>();
    private final Queue<Waiter> arriving = new ConcurrentLinkedQueue<>();
    private final Queue<UUID> released = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queueFull = new AtomicInteger();
    private final AtomicInteger succeeded = new AtomicInteger();
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;
    private long lastHeartbeat;

    UpstreamDispatcher(QueueStore store, QueueSettings settings, QueueMetrics metrics, DataSource dataSource) {
        this.store = store;
        this.settings = settings;
        this.metrics = metrics;
        this.notifications = new GrantNotifications(dataSource, settings.instanceId(), settings.pollInterval(),
                this::wake);
    }

    /** @return completes, on a virtual thread of its own, when the call holds a slot; or with {@link UpstreamWaitExceeded} */
    CompletableFuture<Void> await(Ticket ticket) {
        Waiter waiter = new Waiter(ticket, new CompletableFuture<>(), System.nanoTime());
        if (!running) {
            return CompletableFuture.failedFuture(new UpstreamWaitExceeded(RETRY_AFTER));
        }
        metrics.startedWaiting(ticket.tenantId());
        arriving.add(waiter);
        wake();
        return waiter.slot();
    }

    /**
     * The call is done with its slot.
     * @param wasQueueFull ModelsLab answered its queue-full 429: the account's cap is lowered
     */
    void release(UUID requestId, boolean wasQueueFull) {
        released.add(requestId);
        (wasQueueFull ? queueFull : succeeded).incrementAndGet();
        wake();
    }

    void wake() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    private void run() {
        while (running) {
            try {
                wake.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
                pass();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
            catch (RuntimeException ex) {
                log.warn("Upstream queue pass failed, retrying: {}", ex.getMessage());
                // The database may be gone: calls out of time are still refused on time (expire() copes without it).
                expire();
                sleep(settings.pollInterval());
            }
        }
    }

    private void pass() {
        // Releases first: a call sent again after a 429 must not find its own earlier row still there.
        List<UUID> done = drain(released);
        if (!done.isEmpty()) {
            try {
                store.release(done);
            }
            catch (RuntimeException ex) {
                released.addAll(done);
                throw ex;
            }
        }
        arrive();
        if (System.nanoTime() - lastHeartbeat >= settings.pollInterval().toNanos()) {
            int swept = store.heartbeatAndSweep();
            lastHeartbeat = System.nanoTime();
            if (swept > 0) {
                log.warn("Gave back {} upstream slots or waiters of replicas that stopped without releasing them", swept);
            }
        }
        int full = queueFull.getAndSet(0);
        int ok = succeeded.getAndSet(0);
        QueueStore.Grant grant;
        try {
            grant = store.grant(full, ok);
        }
        catch (RuntimeException ex) {
            queueFull.addAndGet(full);
            succeeded.addAndGet(ok);
            throw ex;
        }
        metrics.slots(grant.slotsInUse(), grant.effectiveCap());
        grant.mine().forEach(this::granted);
        expire();
        if (!waiting.isEmpty()) {
            Set<UUID> ours = Set.copyOf(waiting.keySet());
            Map<UUID, Boolean> states = store.states(ours);
            for (UUID id : ours) {
                Boolean granted = states.get(id);
                if (granted == null) {
                    // Swept: another replica took this one for dead (a long pause). Nothing was forwarded.
                    Waiter waiter = waiting.remove(id);
                    if (waiter != null) {
                        refuse(waiter);
                    }
                }
                else if (granted) {
                    granted(id);
                }
            }
        }
    }

    /** Writes the calls that started waiting; should that fail, they are refused (nothing was forwarded). */
    private void arrive() {
        List<Waiter> arrivals = drain(arriving);
        if (arrivals.isEmpty()) {
            return;
        }
        try {
            store.enqueue(arrivals);
            arrivals.forEach(waiter -> waiting.put(waiter.ticket().requestId(), waiter));
        }
        catch (RuntimeException ex) {
            arrivals.forEach(this::refuse);
            throw ex;
        }
    }

    /**
     * Refuses the calls out of time, unless a grant beat the cancel. Should the database not answer, they are refused
     * anyway and their rows given back later, so a slot granted meanwhile is not held by nobody.
     */
    private void expire() {
        List<UUID> expired = waiting.values().stream()
            .filter(waiter -> waiter.ticket().expired())
            .map(waiter -> waiter.ticket().requestId())
            .toList();
        if (expired.isEmpty()) {
            return;
        }
        Set<UUID> cancelled;
        try {
            cancelled = store.cancel(expired);
        }
        catch (RuntimeException ex) {
            released.addAll(expired);
            cancelled = new HashSet<>(expired);
        }
        cancelled.forEach(id -> {
            Waiter waiter = waiting.remove(id);
            if (waiter != null) {
                refuse(waiter);
            }
        });
    }

    private void granted(UUID requestId) {
        Waiter waiter = waiting.remove(requestId);
        if (waiter == null) {
            return;
        }
        metrics.stoppedWaiting(waiter.ticket().tenantId(), waiter.waited(), true);
        Thread.startVirtualThread(() -> waiter.slot().complete(null));
    }

    private void refuse(Waiter waiter) {
        metrics.stoppedWaiting(waiter.ticket().tenantId(), waiter.waited(), false);
        Thread.startVirtualThread(() -> waiter.slot().completeExceptionally(new UpstreamWaitExceeded(RETRY_AFTER)));
    }

    private static <T> List<T> drain(Queue<T> queue) {
        List<T> items = new ArrayList<>();
        for (T item = queue.poll(); item != null; item = queue.poll()) {
            items.add(item);
        }
        return items;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void start() {
        if (!settings.on()) {
            return;
        }
        try {
            store.heartbeatAndSweep();
        }
        catch (RuntimeException ex) {
            log.warn("Could not join the upstream queue yet, retrying: {}", ex.getMessage());
        }
        lastHeartbeat = System.nanoTime();
        running = true;
        notifications.start();
        thread = Thread.ofPlatform().name("upstream-dispatcher").start(this::run);
    }

    /** Refuses what still waits (the web server has finished its requests by now) and leaves the queue. */
    @Override
    public void stop() {
        if (!running) {
            return;
        }
        running = false;
        wake();
        try {
            thread.join(5_000);
            notifications.stop();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        drain(arriving).forEach(this::refuse);
        List<Waiter> left = new ArrayList<>(waiting.values());
        waiting.clear();
        left.forEach(this::refuse);
        try {
            store.leave();
        }
        catch (RuntimeException ex) {
            log.warn("Could not leave the upstream queue; other replicas sweep this one's rows: {}", ex.getMessage());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
