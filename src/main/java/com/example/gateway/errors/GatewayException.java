package com.example.gateway.errors;

import java.time.Duration;

/**
 * An error the gateway answers in its own dialect. The message is a sentence for humans and must never contain a key,
 * an exception name or upstream internals.
 */
public class GatewayException extends RuntimeException {

    private final ErrorCode code;
    private final Duration retryAfter;

    /** With the code's one wording ({@link ErrorCode#genericMessage()}), as for {@code invalid_key}. */
    public GatewayException(ErrorCode code) {
        this(code, code.genericMessage(), null);
    }

    public GatewayException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public GatewayException(ErrorCode code, String message, Duration retryAfter) {
        super(message, null, false, false);
        this.code = code;
        this.retryAfter = retryAfter;
    }

    public ErrorCode code() {
        return code;
    }

    /** How long a client should wait before retrying; only for 429 answers. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
