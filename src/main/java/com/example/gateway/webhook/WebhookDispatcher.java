package com.example.gateway.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import com.example.gateway.outbound.OutboundTargets;
import com.example.gateway.outbound.RefusedTarget;
import com.example.gateway.tenant.WebhookSecrets;
import com.example.gateway.units.Utc;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Delivers relayed webhooks to tenants, at least once, the way budget alerts are delivered: one short statement claims
 * a few due deliveries ({@code FOR UPDATE SKIP LOCKED}) and leases them by moving {@code next_attempt_at} past the
 * longest a delivery can take; the tenant's URL is called with no connection, lock or transaction held; another short
 * statement records the outcome. A replica that stops mid-delivery leaves it to whichever replica claims it when the
 * lease ends. A failed attempt is retried with exponential backoff until {@code give_up_at} (24 h after the callback).
 * <p>
 * Each delivery is signed per Standard Webhooks; {@code webhook-id} stays the same across attempts, so a receiver
 * drops the rare duplicate. The URL is checked again before every attempt, redirects are not followed, and the
 * receiver's body is never read.
 */
@Component
class WebhookDispatcher {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final int BATCH = 10;

    private static final String CLAIM = """
            UPDATE webhook_delivery d SET attempts = d.attempts + 1, next_attempt_at = :leaseUntil,
                                          last_attempt_at = :now
            WHERE d.id IN (
                SELECT id FROM webhook_delivery
                WHERE status = 'pending' AND next_attempt_at <= :now
                ORDER BY next_attempt_at
                LIMIT :batch
                FOR UPDATE SKIP LOCKED)
            RETURNING d.id, d.tenant_id, d.target_url, d.payload, d.attempts, d.give_up_at
            """;

    private static final String DELIVERED = """
            UPDATE webhook_delivery SET status = 'delivered', delivered_at = :now, last_http_status = :httpStatus,
                                        last_error = NULL
            WHERE id = :id AND status = 'pending'
            """;

    private static final String FAILED = """
            UPDATE webhook_delivery SET status = :status, next_attempt_at = :next, last_http_status = :httpStatus,
                                        last_error = :error
            WHERE id = :id AND status = 'pending'
            """;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final RelayProperties properties;
    private final OutboundTargets targets;
    private final WebhookSecrets secrets;
    private final MeterRegistry meters;
    private final HttpClient http;
    private final Duration lease;
    private final ExecutorService wakeUps = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicBoolean running = new AtomicBoolean();

    WebhookDispatcher(JdbcClient jdbc, Clock clock, RelayProperties properties, OutboundTargets targets,
            WebhookSecrets secrets, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.properties = properties;
        this.targets = targets;
        this.secrets = secrets;
        this.meters = meters;
        this.http = HttpClient.newBuilder()
            .connectTimeout(properties.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
        this.lease = properties.timeout().multipliedBy(2).plusSeconds(10);
    }

    /** Delivers due webhooks soon, on another thread; called once a callback is stored. */
    void wakeUp() {
        wakeUps.execute(this::deliverDueSafely);
    }

    @Scheduled(fixedDelayString = "${gateway.webhooks.relay.poll-interval:2s}")
    void deliverDueSafely() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        try {
            while (deliverDue() > 0) {
                // keep going while there is a backlog
            }
        }
        catch (RuntimeException ex) {
            log.warn("Webhook delivery round failed: {}", ex.getMessage());
        }
        finally {
            running.set(false);
        }
    }

    /** @return how many deliveries were attempted */
    int deliverDue() {
        Instant now = clock.instant();
        List<Due> claimed = jdbc.sql(CLAIM)
            .param("leaseUntil", Utc.of(now.plus(lease)))
            .param("now", Utc.of(now))
            .param("batch", BATCH)
            .query((rs, n) -> new Due(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getBytes(4),
                    rs.getInt(5), rs.getObject(6, OffsetDateTime.class).toInstant()))
            .list();
        try (ExecutorService deliveries = Executors.newVirtualThreadPerTaskExecutor()) {
            claimed.forEach(delivery -> deliveries.execute(() -> deliverSafely(delivery)));
        }
        return claimed.size();
    }

    private void deliverSafely(Due delivery) {
        try {
            deliver(delivery);
        }
        catch (RuntimeException ex) {
            // Most likely the outcome could not be recorded: the delivery is claimed again when its lease ends.
            log.warn("Webhook delivery {} not settled: {}", delivery.id(), ex.getMessage());
        }
    }

    private void deliver(Due delivery) {
        Attempt attempt = post(delivery);
        Instant now = clock.instant();
        if (attempt.error() == null) {
            jdbc.sql(DELIVERED).param("now", Utc.of(now)).param("httpStatus", attempt.httpStatus())
                .param("id", delivery.id()).update();
            count(delivery, "delivered");
            log.info("Delivered webhook {} to tenant {} (attempt {})", delivery.id(), delivery.tenantId(),
                    delivery.attempts());
            return;
        }
        Instant next = now.plus(properties.backoff(delivery.attempts()));
        boolean giveUp = next.isAfter(delivery.giveUpAt());
        jdbc.sql(FAILED).param("status", giveUp ? "failed" : "pending").param("next", Utc.of(next))
            .param("httpStatus", attempt.httpStatus()).param("error", attempt.error()).param("id", delivery.id())
            .update();
        count(delivery, giveUp ? "given_up" : "failed");
        log.warn("Webhook {} to tenant {} not delivered (attempt {}{}): {}", delivery.id(), delivery.tenantId(),
                delivery.attempts(), giveUp ? ", giving up" : "", attempt.error());
    }

    private Attempt post(Due delivery) {
        URI target;
        try {
            target = targets.check(delivery.url());
        }
        catch (RefusedTarget ex) {
            return new Attempt(null, "refused target: the URL " + ex.getMessage());
        }
        String id = "msg_" + delivery.id();
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
            .timeout(properties.timeout())
            .header("Content-Type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", Long.toString(timestamp))
            .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.payload()));
        List<byte[]> keys = secrets.signingKeys(delivery.tenantId());
        if (!keys.isEmpty()) {
            request.header("webhook-signature", Signatures.sign(keys, id, timestamp, delivery.payload()));
        }
        try {
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            // Closed unread: a receiver cannot make the gateway buffer or wait for a body nobody needs.
            response.body().close();
            int status = response.statusCode();
            return new Attempt(status, status / 100 == 2 ? null : "HTTP " + status);
        }
        catch (IOException ex) {
            return new Attempt(null, ex.getClass().getSimpleName());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return new Attempt(null, "interrupted");
        }
    }

    private void count(Due delivery, String result) {
        meters.counter("gateway.webhook.deliveries", "tenant", delivery.tenantId(), "result", result).increment();
    }

    private record Due(UUID id, String tenantId, String url, byte[] payload, int attempts, Instant giveUpAt) {
    }

    /** @param error why the attempt failed, or {@code null} when the receiver took the delivery */
    private record Attempt(Integer httpStatus, String error) {
    }
}
