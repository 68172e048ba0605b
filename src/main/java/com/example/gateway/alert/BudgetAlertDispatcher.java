package com.example.gateway.alert;

import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.client.RestClient;

/**
 * Delivers recorded budget alerts. Each alert is locked ({@code FOR UPDATE SKIP LOCKED}) by the one replica delivering
 * it and marked delivered in the same transaction, so replicas never deliver an alert twice; a failed delivery is
 * retried with exponential backoff. Runs off the request path: a client's call never waits for a webhook.
 */
@Component
public class BudgetAlertDispatcher {

    private static final Logger log = LoggerFactory.getLogger(BudgetAlertDispatcher.class);

    private static final String DUE = """
            SELECT a.tenant_id, a.month, a.threshold_percent, a.spent_usd, a.budget_usd, a.created_at, a.attempts,
                   t.alert_webhook_url
            FROM budget_alert a JOIN tenant t ON t.id = a.tenant_id
            WHERE a.delivered_at IS NULL AND a.failed_at IS NULL AND a.next_attempt_at <= ?
            ORDER BY a.next_attempt_at
            LIMIT 5
            FOR UPDATE OF a SKIP LOCKED
            """;

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final AlertProperties properties;
    private final RestClient http;
    private final ExecutorService wakeUps = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicBoolean running = new AtomicBoolean();

    BudgetAlertDispatcher(JdbcClient jdbc, TransactionTemplate transactions, Clock clock, AlertProperties properties) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
        this.properties = properties;
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().connectTimeout(properties.timeout()).build());
        requests.setReadTimeout(properties.timeout());
        this.http = RestClient.builder().requestFactory(requests).build();
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
        Integer attempted = transactions.execute(tx -> {
            Instant now = clock.instant();
            List<Due> due = jdbc.sql(DUE).param(now.atOffset(ZoneOffset.UTC)).query((rs, n) -> new Due(rs.getString(1),
                    rs.getObject(2, LocalDate.class), rs.getInt(3), rs.getBigDecimal(4), rs.getBigDecimal(5),
                    rs.getObject(6, OffsetDateTime.class).toInstant(), rs.getInt(7), rs.getString(8))).list();
            for (Due alert : due) {
                deliver(alert, now);
            }
            return due.size();
        });
        return attempted == null ? 0 : attempted;
    }

    private void deliver(Due alert, Instant now) {
        String month = alert.month().toString().substring(0, 7);
        BudgetAlertEvent event = new BudgetAlertEvent(alert.tenantId() + ":" + month + ":" + alert.threshold(),
                "budget.threshold_crossed", alert.tenantId(), month, alert.threshold(), alert.spent(), alert.budget(),
                alert.createdAt());
        try {
            http.post().uri(alert.url()).contentType(MediaType.APPLICATION_JSON).body(event).retrieve().toBodilessEntity();
            jdbc.sql("""
                    UPDATE budget_alert SET delivered_at = ?, attempts = attempts + 1
                    WHERE tenant_id = ? AND month = ? AND threshold_percent = ?
                    """)
                .params(now.atOffset(ZoneOffset.UTC), alert.tenantId(), alert.month(), alert.threshold())
                .update();
            log.info("Delivered budget alert {} to tenant {}'s webhook", event.id(), alert.tenantId());
        }
        catch (RuntimeException ex) {
            int attempts = alert.attempts() + 1;
            boolean giveUp = attempts >= properties.maxAttempts();
            Instant next = now.plus(properties.firstRetryAfter().multipliedBy(1L << Math.min(attempts - 1, 16)));
            jdbc.sql("""
                    UPDATE budget_alert SET attempts = ?, next_attempt_at = ?, failed_at = ?, last_error = ?
                    WHERE tenant_id = ? AND month = ? AND threshold_percent = ?
                    """)
                .params(attempts, next.atOffset(ZoneOffset.UTC), giveUp ? now.atOffset(ZoneOffset.UTC) : null,
                        ex.getClass().getSimpleName(), alert.tenantId(), alert.month(), alert.threshold())
                .update();
            log.warn("Budget alert {} not delivered (attempt {}{}): {}", event.id(), attempts,
                    giveUp ? ", giving up" : "", ex.getClass().getSimpleName());
        }
    }

    private record Due(String tenantId, LocalDate month, int threshold, BigDecimal spent, BigDecimal budget,
            Instant createdAt, int attempts, String url) {
    }
}
