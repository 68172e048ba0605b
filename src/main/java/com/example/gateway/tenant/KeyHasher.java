package com.example.gateway.tenant;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * Makes tenant keys and the hashes they are stored under. Keys carry 256 random bits, so a fast keyed hash
 * (HMAC-SHA-256) is as safe as a slow password hash here, and keeps authentication off the hot path's budget.
 * Without a configured secret it refuses to start, except in the {@code local} profile: a built-in secret is in this
 * source code, so anyone who read the ledger's key hashes could test guesses offline, and a deployment that forgot
 * the secret would hash its keys under one it cannot later change without invalidating them.
 */
@Component
class KeyHasher {

    static final String KEY_PREFIX = "mlg_";
    static final int MAX_KEY_LENGTH = 256;
    private static final Logger log = LoggerFactory.getLogger(KeyHasher.class);
    private static final String ALGORITHM = "HmacSHA256";
    private static final String FALLBACK_SECRET = "modelslab-gateway-default-key-hmac";
    private static final String LOCAL_PROFILE = "local";

    private final SecureRandom random = new SecureRandom();
    private final SecretKeySpec secret;

    KeyHasher(KeyProperties properties, Environment environment) {
        String configured = properties.hmacSecret();
        if (configured == null || configured.isBlank()) {
            if (!environment.acceptsProfiles(Profiles.of(LOCAL_PROFILE))) {
                throw new IllegalStateException("GATEWAY_KEY_HMAC_SECRET (gateway.keys.hmac-secret) is not set. "
                        + "Tenant keys are stored as HMACs under it; set it to a long random value (for example "
                        + "`openssl rand -base64 32`) from a secret, and never change it afterwards.");
            }
            log.warn("GATEWAY_KEY_HMAC_SECRET is not set: tenant keys are hashed under a built-in secret (local "
                    + "profile only)");
            configured = FALLBACK_SECRET;
        }
        this.secret = new SecretKeySpec(configured.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    String newKey() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    byte[] hash(String key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(secret);
            return mac.doFinal(key.getBytes(StandardCharsets.UTF_8));
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException("HMAC-SHA-256 is unavailable", ex);
        }
    }

    /**
     * A key for another purpose (say, sealing webhook secrets) derived from the same configured secret, so that no
     * second secret needs configuring and neither key reveals the other.
     */
    byte[] derive(String purpose) {
        return hash("derived-key:" + purpose);
    }

    static String prefixOf(String key) {
        return key.substring(0, Math.min(key.length(), 12));
    }
}
