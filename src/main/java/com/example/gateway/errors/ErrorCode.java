package com.example.gateway.errors;

import org.springframework.http.HttpStatus;

/** Every error the gateway itself produces, with its HTTP status and its machine-readable code. */
public enum ErrorCode {

    INVALID_REQUEST(HttpStatus.BAD_REQUEST, "invalid_request"),
    MODEL_NOT_ENABLED(HttpStatus.BAD_REQUEST, "model_not_enabled"),
    INVALID_KEY(HttpStatus.UNAUTHORIZED, "invalid_key"),
    BUDGET_EXHAUSTED(HttpStatus.PAYMENT_REQUIRED, "budget_exhausted"),
    TENANT_SUSPENDED(HttpStatus.FORBIDDEN, "tenant_suspended"),
    NOT_FOUND(HttpStatus.NOT_FOUND, "not_found"),
    METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, "method_not_allowed"),
    CONFLICT(HttpStatus.CONFLICT, "conflict"),
    IDEMPOTENCY_IN_PROGRESS(HttpStatus.CONFLICT, "idempotency_in_progress"),
    UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
    IDEMPOTENCY_KEY_REUSED(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency_key_reused"),
    PAYLOAD_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "payload_too_large"),
    DAILY_LIMIT(HttpStatus.TOO_MANY_REQUESTS, "daily_limit"),
    RATE_LIMITED(HttpStatus.TOO_MANY_REQUESTS, "rate_limited"),
    TOO_MANY_CONCURRENT(HttpStatus.TOO_MANY_REQUESTS, "too_many_concurrent"),
    UPSTREAM_RATE_LIMITED(HttpStatus.TOO_MANY_REQUESTS, "upstream_rate_limited"),
    INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error"),
    UPSTREAM_ERROR(HttpStatus.BAD_GATEWAY, "upstream_error"),
    UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "unavailable"),
    UPSTREAM_TIMEOUT(HttpStatus.GATEWAY_TIMEOUT, "upstream_timeout");

    private final HttpStatus status;
    private final String code;

    ErrorCode(HttpStatus status, String code) {
        this.status = status;
        this.code = code;
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    /**
     * The one status table: the code for an error status that Spring MVC or the servlet container chose, not the
     * gateway.
     */
    public static ErrorCode forStatus(int status) {
        return switch (status) {
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 503 -> UNAVAILABLE;
            default -> status < 500 ? INVALID_REQUEST : INTERNAL_ERROR;
        };
    }

    /** The message for an error whose cause says nothing more specific; the only wording of some (invalid_key). */
    public String genericMessage() {
        return switch (this) {
            case INVALID_KEY -> "Invalid API key.";
            case TENANT_SUSPENDED -> "This tenant is suspended; ask the platform team.";
            case NOT_FOUND -> "No such resource.";
            case METHOD_NOT_ALLOWED -> "This method is not allowed on this resource.";
            case UNSUPPORTED_MEDIA_TYPE -> "The request body must be JSON.";
            case PAYLOAD_TOO_LARGE -> "The request is too large.";
            case UNAVAILABLE -> "The gateway is unavailable; retry later.";
            case INVALID_REQUEST -> "The request is malformed or has an invalid parameter.";
            default -> "The gateway failed to process the request.";
        };
    }
}
