package com.example.gateway.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,} and the base64 of HMAC-SHA256 over {@code id.timestamp.body}, one per
 * signing key, separated by spaces, so that a receiver verifying with either the old or the new secret accepts a
 * delivery during a rotation.
 */
final class Signatures {

    private Signatures() {
    }

    static String sign(List<byte[]> keys, String id, long timestamp, byte[] body) {
        return keys.stream().map(key -> "v1," + Base64.getEncoder().encodeToString(hmac(key, id, timestamp, body)))
            .collect(Collectors.joining(" "));
    }

    private static byte[] hmac(byte[] key, String id, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException("HMAC-SHA-256 is unavailable", ex);
        }
    }
}
