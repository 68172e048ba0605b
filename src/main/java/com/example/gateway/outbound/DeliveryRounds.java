package com.example.gateway.outbound;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rounds of an outbox's deliveries, off the request path: a round claims a few due items (the outbox's own short
 * statement, which leases them to this replica) and delivers them in parallel, with no connection, lock or transaction
 * held; rounds follow each other while there is a backlog. One round at a time per replica; every replica runs its own,
 * and the leases keep them off each other's items. An item whose outcome could not be recorded is claimed again when its
 * lease ends. Used by the budget alerts' and the relayed webhooks' dispatchers, which keep their tables, leases and
 * retry rules.
 */
public final class DeliveryRounds<T> {

    private static final Logger log = LoggerFactory.getLogger(DeliveryRounds.class);

    private final String what;
    private final Supplier<List<T>> claim;
    private final Consumer<T> deliver;
    private final Function<T, String> name;
    private final ExecutorService wakeUps = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicBoolean running = new AtomicBoolean();

    /**
     * @param what what is delivered, for the log ("Budget alert", "Webhook delivery")
     * @param claim claims and leases the due items of one round
     * @param deliver delivers one item and records its outcome
     * @param name an item's name in the log
     */
    public DeliveryRounds(String what, Supplier<List<T>> claim, Consumer<T> deliver, Function<T, String> name) {
        this.what = what;
        this.claim = claim;
        this.deliver = deliver;
        this.name = name;
    }

    /** Runs the rounds soon, on another thread: something new may be due. */
    public void wakeUp() {
        wakeUps.execute(this::runSafely);
    }

    /** Runs rounds while items are due, unless a round runs on this replica already; never throws. */
    public void runSafely() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        try {
            while (runOnce() > 0) {
                // keep going while there is a backlog
            }
        }
        catch (RuntimeException ex) {
            log.warn("{} round failed: {}", what, ex.getMessage());
        }
        finally {
            running.set(false);
        }
    }

    /** One round; answers how many items it attempted. */
    public int runOnce() {
        List<T> claimed = claim.get();
        try (ExecutorService deliveries = Executors.newVirtualThreadPerTaskExecutor()) {
            claimed.forEach(item -> deliveries.execute(() -> deliverSafely(item)));
        }
        return claimed.size();
    }

    private void deliverSafely(T item) {
        try {
            deliver.accept(item);
        }
        catch (RuntimeException ex) {
            // Most likely the outcome could not be recorded: the item is claimed again when its lease ends.
            log.warn("{} {} not settled: {}", what, name.apply(item), ex.getMessage());
        }
    }
}
