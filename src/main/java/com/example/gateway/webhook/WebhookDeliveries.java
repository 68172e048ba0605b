package com.example.gateway.webhook;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import com.example.gateway.units.Utc;
import com.fasterxml.jackson.annotation.JsonInclude;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Relayed webhook deliveries as ops see them: listed newest first, and a failed one retried. The admin API and the
 * console both go through here, so they list and retry alike.
 */
@Service
public class WebhookDeliveries {

    private static final Set<String> STATUSES = Set.of("pending", "delivered", "failed");
    private static final String SELECT = """
            SELECT id, tenant_id, request_id, target_url, status, attempts, last_http_status, last_error, created_at,
                   last_attempt_at, next_attempt_at, delivered_at, give_up_at
            FROM webhook_delivery
            """;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final WebhookDispatcher dispatcher;
    private final RelayProperties properties;

    WebhookDeliveries(JdbcClient jdbc, Clock clock, WebhookDispatcher dispatcher, RelayProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.dispatcher = dispatcher;
        this.properties = properties;
    }

    /**
     * At most 200, newest first; both filters optional.
     * @throws GatewayException 400 for a status other than pending, delivered or failed
     */
    public List<DeliveryView> list(String tenant, String status) {
        if (status != null && !STATUSES.contains(status)) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST,
                    "Invalid parameter 'status': must be pending, delivered or failed.");
        }
        String where = tenant == null && status == null ? ""
                : "WHERE " + (tenant == null ? "" : "tenant_id = :tenant")
                        + (tenant != null && status != null ? " AND " : "") + (status == null ? "" : "status = :status");
        JdbcClient.StatementSpec statement = jdbc.sql(SELECT + where + "\nORDER BY created_at DESC, id LIMIT 200");
        if (tenant != null) {
            statement = statement.param("tenant", tenant);
        }
        if (status != null) {
            statement = statement.param("status", status);
        }
        return statement.query(WebhookDeliveries::view)
            .list();
    }

    /** The newest delivery of the call's webhook, if one was relayed. */
    public Optional<DeliveryView> forCall(UUID requestId) {
        return jdbc.sql(SELECT + "WHERE request_id = :requestId ORDER BY created_at DESC, id LIMIT 1")
            .param("requestId", requestId)
            .query(WebhookDeliveries::view)
            .optional();
    }

    /**
     * Attempts a failed delivery again at once, and with backoff for another give-up period.
     * @throws GatewayException 409 when the delivery is not failed, 404 when there is none
     */
    public DeliveryView retry(UUID id) {
        Instant now = clock.instant();
        int retried = jdbc.sql("""
                UPDATE webhook_delivery SET status = 'pending', next_attempt_at = ?, give_up_at = ?
                WHERE id = ? AND status = 'failed'""")
            .params(Utc.of(now), Utc.of(now.plus(properties.giveUpAfter())), id)
            .update();
        if (retried == 0) {
            boolean exists = jdbc.sql("SELECT EXISTS (SELECT 1 FROM webhook_delivery WHERE id = ?)").param(id)
                .query(Boolean.class).single();
            throw exists ? new GatewayException(ErrorCode.CONFLICT, "Only a failed delivery can be retried.")
                    : new GatewayException(ErrorCode.NOT_FOUND, "No such webhook delivery.");
        }
        dispatcher.wakeUp();
        return jdbc.sql(SELECT + "WHERE id = :id").param("id", id)
            .query(WebhookDeliveries::view)
            .single();
    }

    private static DeliveryView view(ResultSet rs, int row) throws SQLException {
        return new DeliveryView(rs.getObject("id", UUID.class), rs.getString("tenant_id"),
                rs.getObject("request_id", UUID.class), rs.getString("target_url"), rs.getString("status"),
                rs.getInt("attempts"), rs.getObject("last_http_status", Integer.class), rs.getString("last_error"),
                instant(rs.getObject("created_at", OffsetDateTime.class)),
                instant(rs.getObject("last_attempt_at", OffsetDateTime.class)),
                instant(rs.getObject("next_attempt_at", OffsetDateTime.class)),
                instant(rs.getObject("delivered_at", OffsetDateTime.class)),
                instant(rs.getObject("give_up_at", OffsetDateTime.class)));
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    /** One relayed webhook and its delivery so far; the payload itself is not shown. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record DeliveryView(UUID id, String tenant, UUID requestId, String targetUrl, String status, int attempts,
            Integer lastHttpStatus, String lastError, Instant createdAt, Instant lastAttemptAt, Instant nextAttemptAt,
            Instant deliveredAt, Instant giveUpAt) {
    }
}
