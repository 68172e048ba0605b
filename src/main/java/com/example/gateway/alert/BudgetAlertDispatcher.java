package com.example.gateway.alert;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import com.example.gateway.outbound.DeliveryRounds;
import com.example.gateway.outbound.OutboundPost;
import com.example.gateway.outbound.OutboundTargets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Delivers recorded budget alerts, off the request path: a client's call never waits for a webhook.
 * <p>
 * No delivery happens inside a database transaction ({@link DeliveryRounds}). One short statement claims a few due
 * alerts ({@code FOR UPDATE SKIP LOCKED}) and leases them by moving {@code next_attempt_at} past the longest a delivery
 * can take, so no other replica claims them meanwhile; the webhooks are called with no connection or lock held; another
 * short statement records each outcome. A replica that dies mid-delivery leaves its alerts to be claimed again when the
 * lease ends, so a receiver may rarely see an alert twice and drops it by its {@code id}. A failed delivery is retried
 * with exponential backoff and given up after {@link AlertProperties#maxAttempts()} attempts.
 * <p>
 * The receiver is a URL a tenant chose, so it is posted to as {@link OutboundPost} does: checked again before every
 * delivery, no redirects, its answer's body never read.
 */
@Component
public class BudgetAlertDispatcher {

    private static final Logger log = LoggerFactory.getLogger(BudgetAlertDispatcher.class);
    private static final int BATCH = 5;

    private static final String CLAIM = """
            UPDATE budget_alert a SET attempts = a.attempts + 1, next_attempt_at = :leaseUntil
            FROM tenant t
            WHERE t.id = a.tenant_id AND (a.tenant_id, a.month, a.threshold_percent) IN (
                SELECT d.tenant_id, d.month, d.threshold_percent FROM budget_alert d
                WHERE d.delivered_at IS NULL AND d.failed_at IS NULL AND d.next_attempt_at <= :now
                ORDER BY d.next_attempt_at
                LIMIT :batch
                FOR UPDATE SKIP LOCKED)
            RETURNING a.tenant_id, a.month, a.threshold_percent, a.spent_usd, a.budget_usd, a.created_at, a.attempts,
                      t.alert_webhook_url
            """;

    private static final String DELIVERED = """
            UPDATE budget_alert SET delivered_at = :now, last_error = NULL
            WHERE tenant_id = :tenant AND month = :month AND threshold_percent = :threshold
            """;

    private static final String FAILED = """
            UPDATE budget_alert SET next_attempt_at = :next, failed_at = :failedAt, last_error = :error
            WHERE tenant_id = :tenant AND month = :month AND threshold_percent = :threshold
            """;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final AlertProperties properties;
    private final JsonMapper json;
    private final OutboundPost outbound;
    private final Duration lease;
    private final DeliveryRounds<Due> rounds;

    BudgetAlertDispatcher(JdbcClient jdbc, Clock clock, AlertProperties properties, OutboundTargets targets,
            JsonMapper json) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.properties = properties;
        this.json = json;
        this.outbound = new OutboundPost(targets, properties.timeout());
        // The batch is delivered in parallel, each within a connect and a response timeout; the rest is slack for a
        // busy machine. A lease that ended mid-delivery would let another replica deliver the alert a second time.
        this.lease = properties.timeout().multipliedBy(2).plusSeconds(10);
        this.rounds = new DeliveryRounds<>("Budget alert", this::claim, this::deliver, Due::tenantId);
    }

    /** Delivers due alerts soon, on another thread; called after a settlement that may have recorded one commits. */
    public void wakeUp() {
        rounds.wakeUp();
    }

    @Scheduled(fixedDelayString = "${gateway.alerts.poll-interval:5s}")
    void deliverDueSafely() {
        rounds.runSafely();
    }

    /** @return how many alerts were attempted */
    int deliverDue() {
        return rounds.runOnce();
    }

    private List<Due> claim() {
        Instant now = clock.instant();
        return jdbc.sql(CLAIM)
            .param("leaseUntil", utc(now.plus(lease)))
            .param("now", utc(now))
            .param("batch", BATCH)
            .query((rs, n) -> new Due(rs.getString(1), rs.getObject(2, LocalDate.class), rs.getInt(3),
                    rs.getBigDecimal(4), rs.getBigDecimal(5), rs.getObject(6, OffsetDateTime.class).toInstant(),
                    rs.getInt(7), rs.getString(8)))
            .list();
    }

    private void deliver(Due alert) {
        String month = alert.month().toString().substring(0, 7);
        BudgetAlertEvent event = new BudgetAlertEvent(alert.tenantId() + ":" + month + ":" + alert.threshold(),
                "budget.threshold_crossed", alert.tenantId(), month, alert.threshold(), alert.spent(), alert.budget(),
                alert.createdAt());
        String failure = alert.url() == null ? "the tenant has no webhook"
                : outbound.post(alert.url(), json.writeValueAsBytes(event), Map.of()).error();
        Instant now = clock.instant();
        if (failure == null) {
            jdbc.sql(DELIVERED).param("now", utc(now)).param("tenant", alert.tenantId()).param("month", alert.month())
                .param("threshold", alert.threshold()).update();
            log.info("Delivered budget alert {} to tenant {}'s webhook", event.id(), alert.tenantId());
            return;
        }
        boolean giveUp = alert.attempts() >= properties.maxAttempts() || alert.url() == null;
        Instant next = now.plus(properties.firstRetryAfter().multipliedBy(1L << Math.min(alert.attempts() - 1, 16)));
        jdbc.sql(FAILED).param("next", utc(next)).param("failedAt", giveUp ? utc(now) : null)
            .param("error", failure).param("tenant", alert.tenantId()).param("month", alert.month())
            .param("threshold", alert.threshold()).update();
        log.warn("Budget alert {} not delivered (attempt {}{}): {}", event.id(), alert.attempts(),
                giveUp ? ", giving up" : "", failure);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private record Due(String tenantId, LocalDate month, int threshold, BigDecimal spent, BigDecimal budget,
            Instant createdAt, int attempts, String url) {
    }
}
