package com.example.gateway.webhook;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import com.example.gateway.outbound.OutboundTargets;
import com.example.gateway.outbound.RefusedTarget;
import com.example.gateway.units.Utc;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The tokens that stand for a call's webhook at ModelsLab. A call that names a {@code webhook} gets one before it is
 * admitted: its URL is checked (outbound rules, then the tenant's allowed hosts), a random 256-bit token is stored
 * with the call's id and the tenant's URL, and ModelsLab is given the gateway's own callback URL instead. Only the
 * token's hash is stored, so the database cannot be read for live callback URLs. Calls without a webhook never come
 * here, and pay no database round trip for the feature.
 */
@Service
public class WebhookRelays {

    public static final String CALLBACK_PATH = "/webhooks/modelslab/";
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final int MAX_URL_LENGTH = 2000;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final OutboundTargets targets;
    private final RelayProperties properties;
    private final SecureRandom random = new SecureRandom();

    WebhookRelays(JdbcClient jdbc, Clock clock, OutboundTargets targets, RelayProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.targets = targets;
        this.properties = properties;
    }

    /**
     * Stores the relay of a call about to be admitted.
     * @param keyId the caller's authenticated key
     * @param trackId the call's {@code track_id} as JSON text, or {@code null}
     * @param publicBase where clients reach the gateway; where ModelsLab does too, unless
     * {@code gateway.webhooks.relay.callback-base-url} says otherwise
     * @return the callback URL to forward as {@code webhook}
     * @throws GatewayException 400 {@code invalid_request} when the URL may not be called for this tenant
     */
    public URI register(UUID keyId, UUID requestId, String webhookUrl, String trackId, URI publicBase) {
        TenantHosts tenant = jdbc.sql("""
                SELECT t.id, t.webhook_allowed_hosts FROM api_key k JOIN tenant t ON t.id = k.tenant_id
                WHERE k.id = ?""")
            .param(keyId)
            .query((rs, n) -> new TenantHosts(rs.getString(1), hosts(rs.getArray(2))))
            .single();
        URI target = checked(webhookUrl, tenant.allowedHosts());
        byte[] token = new byte[32];
        random.nextBytes(token);
        String text = Base64.getUrlEncoder().withoutPadding().encodeToString(token);
        jdbc.sql("""
                INSERT INTO webhook_relay (token_sha256, request_id, tenant_id, target_url, track_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?)""")
            .params(sha256(text), requestId, tenant.id(), target.toString(), trackId, Utc.of(clock.instant()))
            .update();
        URI base = properties.callbackBaseUrl() != null ? properties.callbackBaseUrl() : publicBase;
        return URI.create(base.toString().replaceAll("/+$", "") + CALLBACK_PATH + text);
    }

    /** The relay a callback token stands for, unless the token is unknown or expired. */
    public Optional<Relay> find(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Optional.empty();
        }
        return jdbc.sql("""
                SELECT request_id, tenant_id, target_url, track_id FROM webhook_relay
                WHERE token_sha256 = ? AND created_at > ?""")
            .params(sha256(token), Utc.of(clock.instant().minus(properties.tokenLifetime())))
            .query((rs, n) -> new Relay(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                    rs.getString(4)))
            .optional();
    }

    private URI checked(String url, List<String> allowedHosts) {
        if (url.length() > MAX_URL_LENGTH) {
            throw invalid("must be at most " + MAX_URL_LENGTH + " characters");
        }
        URI target;
        try {
            target = targets.check(url);
        }
        catch (RefusedTarget ex) {
            throw invalid(ex.getMessage());
        }
        if (allowedHosts != null && !allowed(target.getHost().toLowerCase(Locale.ROOT), allowedHosts)) {
            throw invalid("must point at a host this tenant's webhooks are allowed to reach");
        }
        return target;
    }

    static boolean allowed(String host, List<String> allowedHosts) {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        return allowedHosts.stream().anyMatch(allowed -> allowed.startsWith("*.")
                ? name.endsWith(allowed.substring(1)) : name.equals(allowed));
    }

    private static List<String> hosts(java.sql.Array array) throws java.sql.SQLException {
        return array == null ? null : List.of((String[]) array.getArray());
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static GatewayException invalid(String problem) {
        return new GatewayException(ErrorCode.INVALID_REQUEST, "The field 'webhook' " + problem + ".");
    }

    private record TenantHosts(String id, List<String> allowedHosts) {
    }

    /**
     * A call's relay.
     * @param trackId the call's {@code track_id} as JSON text, or {@code null}
     */
    public record Relay(UUID requestId, String tenantId, String targetUrl, String trackId) {
    }
}
