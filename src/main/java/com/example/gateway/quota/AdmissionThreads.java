package com.example.gateway.quota;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

import jakarta.annotation.PreDestroy;

import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.stereotype.Component;

/**
 * Runs admission statements on a few platform threads instead of on the callers' virtual threads. A pooled connection
 * is held from checkout to return, and on a virtual thread that includes waiting, after each round trip, to be
 * scheduled again behind every other runnable virtual thread. In a burst of 5,000 calls that stretched a statement of
 * under a millisecond to 47 ms of connection time on average (Hikari's usage metric), so admissions queued past the
 * pool's connection timeout and got 503. The operating system runs a platform thread as soon as its answer arrives, so
 * a connection is held only for the statement. A call waits at most {@code gateway.quota.admission-wait} for one of
 * these threads; then it gets the same 503 {@code unavailable} as a call that gets no connection, before anything is
 * reserved or forwarded.
 */
@Component
class AdmissionThreads {

    /** Calls that may wait for an admission thread at once; a burst beyond it gets 503 at once. */
    static final int MAX_WAITING = 10_000;

    /**
     * How long a started admission statement may take before its caller stops waiting: well past pgJDBC's socket
     * timeout, so this fires only when that did not. Should the statement still admit the call, the sweeper releases
     * its reservation later; nothing was forwarded.
     */
    static final Duration STATEMENT_BOUND = Duration.ofSeconds(60);

    private final ExecutorService threads;
    private final long maxWaitNanos;

    AdmissionThreads(QuotaProperties properties) {
        this.threads = new ThreadPoolExecutor(properties.admissionThreads(), properties.admissionThreads(), 0,
                TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(MAX_WAITING),
                Thread.ofPlatform().daemon().name("admission-", 0).factory(), (task, executor) -> {
                    throw new CannotGetJdbcConnectionException("Too many calls are waiting for an admission thread");
                });
        this.maxWaitNanos = properties.admissionWait().toNanos();
    }

    /**
     * Runs the work on an admission thread and waits for it, at most the admission wait plus {@link #STATEMENT_BOUND}.
     * @throws CannotGetJdbcConnectionException when no thread was free in time, or the statement did not return
     */
    <T> T run(Supplier<T> work) {
        long queuedAt = System.nanoTime();
        CompletableFuture<T> result = new CompletableFuture<>();
        threads.execute(() -> {
            if (System.nanoTime() - queuedAt > maxWaitNanos) {
                result.completeExceptionally(new CannotGetJdbcConnectionException(
                        "No admission thread was free within the admission wait"));
                return;
            }
            try {
                result.complete(work.get());
            }
            catch (Throwable ex) {
                result.completeExceptionally(ex);
            }
        });
        try {
            return result.get(maxWaitNanos + STATEMENT_BOUND.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (TimeoutException ex) {
            throw new CannotGetJdbcConnectionException("The admission statement did not return in time");
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new CannotGetJdbcConnectionException("Interrupted while waiting for admission");
        }
        catch (ExecutionException ex) {
            if (ex.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (ex.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(ex.getCause());
        }
    }

    @PreDestroy
    void stop() {
        threads.shutdown();
    }
}
