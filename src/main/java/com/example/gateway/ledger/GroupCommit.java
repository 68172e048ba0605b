package com.example.gateway.ledger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.example.gateway.errors.DatabaseFailures;
import com.example.gateway.quota.Balance;
import com.example.gateway.quota.QuotaProperties;
import com.example.gateway.quota.Reservation;
import com.example.gateway.quota.Settlement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.stereotype.Component;

/**
 * Settles calls in groups: every settlement waiting when a writer is free is written as one group
 * ({@link LedgerWriter}), so one WAL flush commits many ledger rows. A group that meets a passing database failure is
 * written again, with backoff, for {@code gateway.quota.settle-retry-for}: the calls were forwarded and must not go
 * unrecorded. So is a group whose row of a month without a partition met that month's partition being created. The backlog is bounded; admission asks {@link #hasRoom()} before it forwards anything.
 * <p>
 * A lifecycle bean in a late phase: it stops after the web server has finished its requests, drains what is queued,
 * and only then lets the context close the connection pool.
 */
@Component
public class GroupCommit implements SmartLifecycle {

    /** After the web server's graceful shutdown and stop (Boot's phases are {@code DEFAULT_PHASE - 1024} and - 2048). */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    /** How long stopping waits for the queue to drain; the pod's termination grace leaves room for it. */
    public static final Duration DRAIN = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
    private static final int MAX_GROUP = 256;
    private static final int WRITERS = 2;

    private final LedgerWriter writer;
    private final RetryTemplate retry;
    private final Duration settleWait;
    private final int backlog;
    private final BlockingQueue<Pending> queue;
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean running;
    private volatile CountDownLatch drained = new CountDownLatch(0);

    GroupCommit(LedgerWriter writer, QuotaProperties properties) {
        this.writer = writer;
        this.settleWait = properties.settleWait();
        this.backlog = properties.settlementBacklog();
        // Twice the admission bound: calls admitted just before the bound was reached still find room.
        this.queue = new LinkedBlockingQueue<>(2 * backlog);
        this.retry = new RetryTemplate(RetryPolicy.builder()
            .predicate(GroupCommit::worthWritingAgain)
            .maxRetries(Long.MAX_VALUE)
            .timeout(properties.settleRetryFor())
            .delay(Duration.ofMillis(50))
            .multiplier(2)
            .maxDelay(Duration.ofSeconds(2))
            .build());
    }

    /** A failure that passes: the database was away or busy, or a partition was being created for a row's month. */
    private static boolean worthWritingAgain(Throwable failure) {
        return DatabaseFailures.isTransient(failure) || DatabaseFailures.isPartitionRerouting(failure);
    }

    /** Whether another call may be forwarded: its settlement will find room in the backlog. */
    public boolean hasRoom() {
        return running && queue.size() < backlog;
    }

    /**
     * Records the call and its cost, durably, and applies it to the tenant's quota.
     * @return the tenant's balance afterwards; {@link Balance#UNKNOWN} when it could not be read
     * @throws SettlementPending when the settlement is not durable within {@code gateway.quota.settle-wait} (the
     * database is unavailable): it stays queued and is written when the database allows
     * @throws SettlementFailed when it can never be written (the replica is stopping and could not drain, or the
     * database refused it for good); the sweeper then records the call as abandoned
     */
    public Balance settle(Reservation reservation, Settlement settlement) {
        Pending pending = new Pending(reservation, settlement, new CompletableFuture<>());
        try {
            if (!queue.offer(pending, settleWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new SettlementFailed("the settlement backlog is full");
            }
            return pending.result().get(settleWait.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException ex) {
            throw new SettlementPending();
        }
        catch (ExecutionException ex) {
            throw ex.getCause() instanceof SettlementFailed failed ? failed
                    : new SettlementFailed(ex.getCause().getMessage());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new SettlementPending();
        }
    }

    private void run() {
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<Pending> group = new ArrayList<>();
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                write(group);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
            catch (RuntimeException ex) {
                log.error("Settlement writer failed unexpectedly", ex);
            }
        }
        drained.countDown();
    }

    private void write(List<Pending> group) {
        Map<UUID, Balance> unreserved;
        try {
            unreserved = retry.execute(() -> writer.record(group));
        }
        catch (RetryException ex) {
            Throwable cause = ex.getLastException() != null ? ex.getLastException() : ex;
            if (group.size() > 1 && !worthWritingAgain(cause)) {
                // One bad settlement must not fail the others: write them one by one.
                group.forEach(pending -> write(List.of(pending)));
                return;
            }
            log.error("Could not settle {} calls, the sweeper will record them as abandoned: {}", group.size(),
                    cause.getMessage());
            group.forEach(pending -> pending.result().completeExceptionally(new SettlementFailed(cause.getMessage())));
            return;
        }
        List<Pending> toApply = LedgerWriter.toApply(group, unreserved);
        // The rows are committed: from here on nothing runs the group again (its calls would all look unreserved).
        Map<UUID, Balance> applied = writer.apply(toApply);
        for (Pending pending : group) {
            UUID id = pending.admission().requestId();
            pending.result().complete(unreserved.containsKey(id) ? unreserved.get(id) : applied.get(id));
        }
    }

    @Override
    public void start() {
        running = true;
        drained = new CountDownLatch(WRITERS);
        for (int i = 0; i < WRITERS; i++) {
            writers.add(Thread.ofPlatform().name("settlement-writer-" + i).start(this::run));
        }
    }

    /** Takes no new calls, writes what is queued, then returns; the pool closes only after this. */
    @Override
    public void stop() {
        running = false;
        try {
            if (!drained.await(DRAIN.toMillis(), TimeUnit.MILLISECONDS)) {
                log.error("{} settlements were not written before shutdown; the sweeper will record them as abandoned",
                        queue.size());
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        writers.clear();
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
