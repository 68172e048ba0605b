package com.example.gateway.alert;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import com.example.gateway.outbound.OutboundTargets;
import com.example.gateway.outbound.RefusedTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Delivers recorded budget alerts, off the request path: a client's call never waits for a webhook.
 * <p>
 * No delivery happens inside a database transaction. One short statement claims a few due alerts
 * ({@code FOR UPDATE SKIP LOCKED}) and leases them by moving {@code next_attempt_at} past the longest a delivery can
 * take, so no other replica claims them meanwhile; the webhooks are called with no connection or lock held; another
 * short statement records each outcome. A replica that dies mid-delivery leaves its alerts to be claimed again when the
 * lease ends, so a receiver may rarely see an alert twice and drops it by its {@code id}. A failed delivery is retried
 * with exponential backoff and given up after {@link AlertProperties#maxAttempts()} attempts.
 * <p>
 * The receiver is a URL a tenant chose, so it is checked again before every delivery ({@link OutboundTargets}),
 * redirects are not followed, and its answer's body is never read: only the status counts.
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
    private final OutboundTargets targets;
    private final JsonMapper json;
    private final HttpClient http;
    private final Duration lease;
    private final ExecutorService wakeUps = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicBoolean running = new AtomicBoolean();

    BudgetAlertDispatcher(JdbcClient jdbc, Clock clock, AlertProperties properties, OutboundTargets targets,
            JsonMapper json) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.properties = properties;
        this.targets = targets;
        this.json = json;
        this.http = HttpClient.newBuilder()
            .connectTimeout(properties.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
        // The batch is delivered in parallel, each within a connect and a response timeout; the rest is slack for a
        // busy machine. A lease that ended mid-delivery would let another replica deliver the alert a second time.
        this.lease = properties.timeout().multipliedBy(2).plusSeconds(10);
    }

    /** Delivers due alerts soon, on another thread; called after a settlement that may have recorded one commits. */
    public void wakeUp() {
        wakeUps.execute(this::deliverDueSafely);
    }

    @Scheduled(fixedDelayString = "${gateway.alerts.poll-interval:5s}")
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
            log.warn("Budget alert delivery round failed: {}", ex.getMessage());
        }
        finally {
            running.set(false);
        }
    }

    /** @return how many alerts were attempted */
    int deliverDue() {
        Instant now = clock.instant();
        List<Due> claimed = jdbc.sql(CLAIM)
            .param("leaseUntil", utc(now.plus(lease)))
            .param("now", utc(now))
            .param("batch", BATCH)
            .query((rs, n) -> new Due(rs.getString(1), rs.getObject(2, LocalDate.class), rs.getInt(3),
                    rs.getBigDecimal(4), rs.getBigDecimal(5), rs.getObject(6, OffsetDateTime.class).toInstant(),
                    rs.getInt(7), rs.getString(8)))
            .list();
        try (ExecutorService deliveries = Executors.newVirtualThreadPerTaskExecutor()) {
            claimed.forEach(alert -> deliveries.execute(() -> deliverSafely(alert)));
        }
        return claimed.size();
    }

    private void deliverSafely(Due alert) {
        try {
            deliver(alert);
        }
        catch (RuntimeException ex) {
            // Most likely the outcome could not be recorded: the alert is claimed again when its lease ends.
            log.warn("Budget alert of tenant {} not settled: {}", alert.tenantId(), ex.getMessage());
        }
    }

    private void deliver(Due alert) {
        String month = alert.month().toString().substring(0, 7);
        BudgetAlertEvent event = new BudgetAlertEvent(alert.tenantId() + ":" + month + ":" + alert.threshold(),
                "budget.threshold_crossed", alert.tenantId(), month, alert.threshold(), alert.spent(), alert.budget(),
                alert.createdAt());
        String failure = post(alert.url(), event);
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

    /** @return why the delivery failed, or {@code null} when the receiver took it */
    private String post(String url, BudgetAlertEvent event) {
        if (url == null) {
            return "the tenant has no webhook";
        }
        URI target;
        try {
            target = targets.check(url);
        }
        catch (RefusedTarget ex) {
            return "refused target: the URL " + ex.getMessage();
        }
        HttpRequest request = HttpRequest.newBuilder(target)
            .timeout(properties.timeout())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(event)))
            .build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            // Closed unread: a receiver cannot make the gateway buffer or wait for a body nobody needs.
            response.body().close();
            return response.statusCode() / 100 == 2 ? null : "HTTP " + response.statusCode();
        }
        catch (IOException ex) {
            return ex.getClass().getSimpleName();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private record Due(String tenantId, LocalDate month, int threshold, BigDecimal spent, BigDecimal budget,
            Instant createdAt, int attempts, String url) {
    }
}
