package com.example.gateway.report;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;

/**
 * Where a page of the call listing ended: the last call's {@code (created_at, request_id)}, which orders the ledger
 * totally, so the next page starts strictly after it whatever was inserted meanwhile. Opaque to clients (base64url),
 * so its form can change; microseconds, because that is what PostgreSQL keeps.
 */
record CallCursor(Instant createdAt, UUID requestId) {

    private static final String VERSION = "c1";
    private static final int MAX_LENGTH = 200;
    // The years reports take; PostgreSQL would refuse some instants that java.time accepts.
    private static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    String encode() {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt);
        String plain = VERSION + ":" + micros + ":" + requestId;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
    }

    /** @throws GatewayException {@code invalid_request} for anything this class did not encode */
    static CallCursor decode(String cursor) {
        try {
            if (cursor.length() <= MAX_LENGTH) {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII)
                    .split(":", -1);
                if (parts.length == 3 && parts[0].equals(VERSION)) {
                    Instant createdAt = Instant.EPOCH.plus(Long.parseLong(parts[1]), ChronoUnit.MICROS);
                    if (!createdAt.isBefore(EARLIEST) && !createdAt.isAfter(LATEST)) {
                        return new CallCursor(createdAt, UUID.fromString(parts[2]));
                    }
                }
            }
        }
        catch (IllegalArgumentException | DateTimeException | ArithmeticException ex) {
            // falls through to the error below
        }
        throw new GatewayException(ErrorCode.INVALID_REQUEST,
                "Parameter 'cursor' is not a cursor this listing gave out; start again without it.");
    }
}
