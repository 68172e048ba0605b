package com.example.gateway.upstream;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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
    private final LocalWaiters waiters;
    private final GrantNotifications notifications;
    private final Semaphore wake = new Semaphore(0);
    private final AtomicBoolean grantedElsewhere = new AtomicBoolean();
    private volatile boolean running;
    private Thread thread;
    private long lastHeartbeat;

    UpstreamDispatcher(QueueStore store, QueueSettings settings, QueueMetrics metrics, DataSource dataSource) {
        this.store = store;
        this.settings = settings;
        this.metrics = metrics;
        this.waiters = new LocalWaiters(metrics);
        this.notifications = new GrantNotifications(dataSource, settings.instanceId(), settings.pollInterval(),
                this::grantedElsewhere);
    }

    /** @return completes, on a virtual thread of its own, when the call holds a slot; or with {@link UpstreamWaitExceeded} */
    CompletableFuture<Void> await(Ticket ticket) {
        if (!running) {
            return CompletableFuture.failedFuture(new UpstreamWaitExceeded(RETRY_AFTER));
        }
        Waiter waiter = new Waiter(ticket, new CompletableFuture<>(), System.nanoTime());
        waiters.arrive(waiter);
        wake();
        return waiter.slot();
    }

    /**
     * The call is done with its slot.
     * @param wasQueueFull ModelsLab answered its queue-full 429: the account's cap is lowered
     */
    void release(UUID requestId, boolean wasQueueFull) {
        waiters.release(requestId, wasQueueFull);
        wake();
    }

    void wake() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    /** Another replica granted a slot to one of this replica's calls. */
    private void grantedElsewhere() {
        grantedElsewhere.set(true);
        wake();
    }

    private void run() {
        while (running) {
            try {
                boolean polled = !wake.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
                pass(polled, grantedElsewhere.getAndSet(false));
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

    /**
     * @param polled woken by the poll, not by an event: the grant then runs only for this replica's own waiters (a
     * replica with nothing waiting leaves the grants to the replicas whose slots free or whose calls wait), which keeps
     * an idle replica down to its heartbeat
     * @param grantedElsewhere another replica said it granted one of this replica's calls
     */
    private void pass(boolean polled, boolean grantedElsewhere) {
        // Releases first: a call sent again after a 429 must not find its own earlier row still there.
        List<UUID> done = waiters.takeReleased();
        if (!done.isEmpty()) {
            try {
                store.release(done);
            }
            catch (RuntimeException ex) {
                waiters.releaseLater(done);
                throw ex;
            }
        }
        arrive();
        int swept = heartbeatWhenDue();
        if (polled && done.isEmpty() && swept <= 0 && !waiters.anyWaiting()) {
            if (swept == 0) {
                // At the heartbeat's pace, so an idle replica's gauges do not keep a stale count of slots in use.
                QueueStore.Account account = store.account();
                metrics.slots(account.inUse(), account.effectiveCap(settings.cap()));
            }
            return;
        }
        int[] answers = waiters.takeAnswers();
        QueueStore.Grant grant;
        try {
            grant = store.grant(answers[0], answers[1]);
        }
        catch (RuntimeException ex) {
            waiters.answersNotLearned(answers);
            throw ex;
        }
        metrics.slots(grant.slotsInUse(), grant.effectiveCap());
        grant.mine().forEach(waiters::grant);
        expire();
        if (polled || grantedElsewhere) {
            collect();
        }
    }

    /** Writes the calls that started waiting; should that fail, they are refused (nothing was forwarded). */
    private void arrive() {
        List<Waiter> arrivals = waiters.takeArrivals();
        if (arrivals.isEmpty()) {
            return;
        }
        try {
            store.enqueue(arrivals);
            waiters.waiting(arrivals);
        }
        catch (RuntimeException ex) {
            arrivals.forEach(waiters::refuse);
            throw ex;
        }
    }

    /** @return how many rows of dead replicas were given back; -1 when no heartbeat was due */
    private int heartbeatWhenDue() {
        if (System.nanoTime() - lastHeartbeat < settings.pollInterval().toNanos()) {
            return -1;
        }
        int swept = store.heartbeatAndSweep();
        lastHeartbeat = System.nanoTime();
        if (swept > 0) {
            log.warn("Gave back {} upstream slots or waiters of replicas that stopped without releasing them", swept);
        }
        return swept;
    }

    /**
     * Refuses the calls out of time, unless a grant beat the cancel. Should the database not answer, they are refused
     * anyway and their rows given back later, so a slot granted meanwhile is not held by nobody.
     */
    private void expire() {
        List<UUID> expired = waiters.expired();
        if (expired.isEmpty()) {
            return;
        }
        Set<UUID> cancelled;
        try {
            cancelled = store.cancel(expired);
        }
        catch (RuntimeException ex) {
            waiters.releaseLater(expired);
            cancelled = new HashSet<>(expired);
        }
        cancelled.forEach(waiters::refuse);
    }

    /** Picks up the grants other replicas made to this one's calls (their notification woke this pass, or the poll). */
    private void collect() {
        if (!waiters.anyWaiting()) {
            return;
        }
        Set<UUID> ours = waiters.waitingIds();
        Map<UUID, Boolean> states = store.states(ours);
        for (UUID id : ours) {
            Boolean granted = states.get(id);
            if (granted == null) {
                // Swept: another replica took this one for dead (a long pause). Nothing was forwarded.
                waiters.refuse(id);
            }
            else if (granted) {
                waiters.grant(id);
            }
        }
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
        waiters.refuseAll();
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
