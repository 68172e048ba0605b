package com.example.gateway.tenant;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import com.example.gateway.units.Utc;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A tenant's secrets for signing relayed webhooks (Standard Webhooks: {@code whsec_} and the base64 of 24 random bytes).
 * Unlike a tenant key, a secret must be usable to sign, so it cannot be kept as a hash: it is sealed with AES-GCM under
 * a key derived from {@code gateway.keys.hmac-secret}, which lives outside the database. A database dump alone reveals
 * no secret. A new secret retires the current one, which keeps signing beside it for {@link #OVERLAP}, so receivers can
 * switch without losing a delivery.
 */
@Service
public class WebhookSecrets {

    public static final String PREFIX = "whsec_";
    static final Duration OVERLAP = Duration.ofHours(24);
    private static final int NONCE_BYTES = 12;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final SecretKeySpec sealingKey;
    private final SecureRandom random = new SecureRandom();

    WebhookSecrets(JdbcClient jdbc, Clock clock, KeyHasher hasher) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.sealingKey = new SecretKeySpec(hasher.derive("webhook-secret-sealing"), "AES");
    }

    /**
     * Makes a new signing secret for the tenant, retiring the current one.
     * @return the secret, to be shown this once
     * @throws GatewayException 404 for an unknown tenant
     */
    @Transactional
    String create(String tenantId) {
        Instant now = clock.instant();
        // Locks the tenant's row, so that two rotations at once leave one secret current, not two.
        boolean exists = jdbc.sql("SELECT EXISTS (SELECT 1 FROM tenant WHERE id = ? FOR NO KEY UPDATE)")
            .param(tenantId).query(Boolean.class).single();
        if (!exists) {
            throw new GatewayException(ErrorCode.NOT_FOUND, "No such tenant.");
        }
        byte[] secret = new byte[24];
        random.nextBytes(secret);
        jdbc.sql("UPDATE tenant_webhook_secret SET retired_at = ? WHERE tenant_id = ? AND retired_at IS NULL")
            .params(Utc.of(now), tenantId).update();
        jdbc.sql("INSERT INTO tenant_webhook_secret (id, tenant_id, sealed_secret, created_at) VALUES (?, ?, ?, ?)")
            .params(UUID.randomUUID(), tenantId, seal(secret), Utc.of(now)).update();
        return PREFIX + Base64.getEncoder().encodeToString(secret);
    }

    /** The raw keys to sign a delivery to the tenant with: the current one first, then any still in their overlap. */
    public List<byte[]> signingKeys(String tenantId) {
        return jdbc.sql("""
                SELECT sealed_secret FROM tenant_webhook_secret
                WHERE tenant_id = ? AND (retired_at IS NULL OR retired_at > ?)
                ORDER BY created_at DESC LIMIT 2""")
            .params(tenantId, Utc.of(clock.instant().minus(OVERLAP)))
            .query((rs, n) -> unseal(rs.getBytes(1)))
            .list();
    }

    private byte[] seal(byte[] secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, sealingKey, new GCMParameterSpec(128, nonce));
            byte[] sealed = cipher.doFinal(secret);
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return out;
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException("AES-GCM is unavailable", ex);
        }
    }

    private byte[] unseal(byte[] sealed) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, sealingKey, new GCMParameterSpec(128, sealed, 0, NONCE_BYTES));
            return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        }
        catch (GeneralSecurityException ex) {
            // Sealed under another gateway.keys.hmac-secret: unusable, as the tenant keys hashed under it are.
            throw new IllegalStateException("A webhook secret cannot be unsealed; was gateway.keys.hmac-secret changed?");
        }
    }
}
