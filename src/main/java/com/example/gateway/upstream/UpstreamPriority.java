package com.example.gateway.upstream;

import java.util.Locale;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;

/**
 * Where a call queues within its tenant: interactive calls first, then batch calls, each first come first served. The
 * client says which with {@code X-Gateway-Priority}; it never moves a call ahead of another tenant's.
 */
public enum UpstreamPriority {

    INTERACTIVE, BATCH;

    public static final String HEADER = "X-Gateway-Priority";

    /** @param header the header as sent, {@code null} when absent (interactive) */
    public static UpstreamPriority of(String header) {
        if (header == null) {
            return INTERACTIVE;
        }
        return switch (header.strip().toLowerCase(Locale.ROOT)) {
            case "interactive" -> INTERACTIVE;
            case "batch" -> BATCH;
            default -> throw new GatewayException(ErrorCode.INVALID_REQUEST,
                    "The " + HEADER + " header must be 'interactive' or 'batch'.");
        };
    }

    short rank() {
        return (short) ordinal();
    }
}
