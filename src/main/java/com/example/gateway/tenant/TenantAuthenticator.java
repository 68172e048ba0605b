package com.example.gateway.tenant;

import java.util.UUID;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Recognises a client by its tenant key, given as a Bearer header or, for unchanged ModelsLab clients, as the body
 * field {@code key}. Looked up on every call, without a cache, so a revoked key stops working on every replica at once.
 */
@Component
public class TenantAuthenticator {

    private static final String LOOKUP = """
            SELECT k.id, k.tenant_id, t.suspended
            FROM api_key k JOIN tenant t ON t.id = k.tenant_id
            WHERE k.key_hash = ? AND k.revoked_at IS NULL
            """;

    private static final String STILL_VALID = """
            SELECT count(*)
            FROM api_key k JOIN tenant t ON t.id = k.tenant_id
            WHERE k.id = ? AND k.tenant_id = ? AND k.revoked_at IS NULL AND NOT t.suspended
            """;

    private final JdbcClient jdbc;
    private final KeyHasher hasher;

    TenantAuthenticator(JdbcClient jdbc, KeyHasher hasher) {
        this.jdbc = jdbc;
        this.hasher = hasher;
    }

    /**
     * @param headerKey the Bearer token, or {@code null}
     * @param bodyKey the body's {@code key}, or {@code null}
     * @throws GatewayException {@code invalid_key} or {@code tenant_suspended}
     */
    public Caller authenticate(String headerKey, String bodyKey) {
        return authenticate(keyHash(headerKey, bodyKey));
    }

    /**
     * @param keyHash what {@link #keyHash} made of the client's key
     * @throws GatewayException {@code invalid_key} or {@code tenant_suspended}
     */
    public Caller authenticate(byte[] keyHash) {
        record Row(UUID id, String tenantId, boolean suspended) {
        }
        Row row = jdbc.sql(LOOKUP).param(keyHash)
            .query((rs, n) -> new Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getBoolean(3)))
            .optional()
            .orElseThrow(TenantAuthenticator::invalidKey);
        if (row.suspended()) {
            throw new GatewayException(ErrorCode.TENANT_SUSPENDED);
        }
        return new Caller(row.tenantId(), row.id());
    }

    /**
     * The hash a well-formed key is stored under, for a lookup here or in the statement that admits a call (see
     * {@code QuotaService.reserve}); keys that cannot be valid are refused without a database round trip.
     * @param headerKey the Bearer token, or {@code null}
     * @param bodyKey the body's {@code key}, or {@code null}
     * @throws GatewayException {@code invalid_key}
     */
    public byte[] keyHash(String headerKey, String bodyKey) {
        if (headerKey != null && bodyKey != null && !headerKey.equals(bodyKey)) {
            throw invalidKey();
        }
        String key = headerKey != null ? headerKey : bodyKey;
        if (key == null || !key.startsWith(KeyHasher.KEY_PREFIX) || key.length() > KeyHasher.MAX_KEY_LENGTH) {
            throw invalidKey();
        }
        return hasher.hash(key);
    }

    /**
     * Whether the key a caller was recognised by still admits it: not revoked since, and its tenant not suspended. For
     * sessions that began with a key (the console's), so that revoking the key or suspending the tenant ends them too.
     */
    public boolean stillValid(Caller caller) {
        return jdbc.sql(STILL_VALID).param(caller.keyId()).param(caller.tenantId()).query(Long.class).single() > 0;
    }

    private static GatewayException invalidKey() {
        return new GatewayException(ErrorCode.INVALID_KEY);
    }
}
