package com.example.gateway.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.example.gateway.outbound.DeliveryRounds;
import com.example.gateway.outbound.OutboundPost;
import com.example.gateway.outbound.OutboundPost.Attempt;
import com.example.gateway.outbound.OutboundTargets;
import com.example.gateway.tenant.WebhookSecrets;
import com.example.gateway.units.Utc;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Delivers relayed webhooks to tenants, at least once, the way budget alerts are delivered ({@link DeliveryRounds},
 * {@link OutboundPost}): one short statement claims a few due deliveries ({@code FOR UPDATE SKIP LOCKED}) and leases them by moving {@code next_attempt_at} past the
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
    private final WebhookSecrets secrets;
    private final MeterRegistry meters;
    private final OutboundPost outbound;
    private final Duration lease;
    private final DeliveryRounds<Due> rounds;

    WebhookDispatcher(JdbcClient jdbc, Clock clock, RelayProperties properties, OutboundTargets targets,
            WebhookSecrets secrets, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.properties = properties;
        this.secrets = secrets;
        this.meters = meters;
        this.outbound = new OutboundPost(targets, properties.timeout());
        this.lease = properties.timeout().multipliedBy(2).plusSeconds(10);
        this.rounds = new DeliveryRounds<>("Webhook delivery", this::claim, this::deliver, due -> due.id().toString());
    }

    /** Delivers due webhooks soon, on another thread; called once a callback is stored. */
    void wakeUp() {
        rounds.wakeUp();
    }

    @Scheduled(fixedDelayString = "${gateway.webhooks.relay.poll-interval:2s}")
    void deliverDueSafely() {
        rounds.runSafely();
    }

    private List<Due> claim() {
        Instant now = clock.instant();
        return jdbc.sql(CLAIM)
            .param("leaseUntil", Utc.of(now.plus(lease)))
            .param("now", Utc.of(now))
            .param("batch", BATCH)
            .query((rs, n) -> new Due(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getBytes(4),
                    rs.getInt(5), rs.getObject(6, OffsetDateTime.class).toInstant()))
            .list();
    }

    private void deliver(Due delivery) {
        Attempt attempt = post(delivery);
        Instant now = clock.instant();
        if (attempt.delivered()) {
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

    /** Signed per Standard Webhooks when the tenant has a signing secret. */
    private Attempt post(Due delivery) {
        String id = "msg_" + delivery.id();
        long timestamp = clock.instant().getEpochSecond();
        Map<String, String> headers = new HashMap<>(Map.of("webhook-id", id, "webhook-timestamp",
                Long.toString(timestamp)));
        List<byte[]> keys = secrets.signingKeys(delivery.tenantId());
        if (!keys.isEmpty()) {
            headers.put("webhook-signature", Signatures.sign(keys, id, timestamp, delivery.payload()));
        }
        return outbound.post(delivery.url(), delivery.payload(), headers);
    }

    private void count(Due delivery, String result) {
        meters.counter("gateway.webhook.deliveries", "tenant", delivery.tenantId(), "result", result).increment();
    }

    private record Due(UUID id, String tenantId, String url, byte[] payload, int attempts, Instant giveUpAt) {
    }
}
