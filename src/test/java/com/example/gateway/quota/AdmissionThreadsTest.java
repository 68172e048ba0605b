package com.example.gateway.quota;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.example.gateway.errors.DatabaseFailures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.CannotGetJdbcConnectionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdmissionThreadsTest {

    private final AdmissionThreads threads = new AdmissionThreads(new QuotaProperties(Duration.ofMinutes(10),
            Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(10), 100, null, 1, Duration.ofMillis(200)));

    @AfterEach
    void stop() {
        threads.stop();
    }

    @Test
    void runsAVirtualThreadsWorkOnAPlatformThreadAndHandsBackItsResult() throws Exception {
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> ranOn.complete(threads.run(Thread::currentThread))).join();

        assertThat(ranOn.get(5, TimeUnit.SECONDS).isVirtual()).isFalse();
        assertThat(ranOn.get().getName()).startsWith("admission-");
    }

    @Test
    void passesTheWorksOwnFailureThrough() {
        IllegalStateException failure = new IllegalStateException("refused");

        assertThatThrownBy(() -> threads.run(() -> {
            throw failure;
        })).isSameAs(failure);
    }

    @Test
    void aCallThatWaitedPastTheAdmissionWaitIsAnsweredUnavailableAndItsWorkNeverRuns() throws Exception {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofVirtual().start(() -> threads.run(() -> {
            busy.countDown();
            awaitQuietly(release);
            return null;
        }));
        assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
        AtomicBoolean ran = new AtomicBoolean();
        CompletableFuture<Throwable> late = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                threads.run(() -> ran.getAndSet(true));
                late.complete(null);
            }
            catch (RuntimeException ex) {
                late.complete(ex);
            }
        });

        Thread.sleep(400);
        release.countDown();
        holder.join();

        Throwable failure = late.get(5, TimeUnit.SECONDS);
        assertThat(failure).isInstanceOf(CannotGetJdbcConnectionException.class);
        assertThat(DatabaseFailures.isConnectionFailure(failure)).as("answered 503 unavailable").isTrue();
        assertThat(ran).as("nothing reserved for the call that gave up").isFalse();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
