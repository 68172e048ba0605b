package com.example.gateway.web;

/** The dialect's code and message for an error status that the servlet container chose, not the gateway. */
final class ContainerErrors {

    private ContainerErrors() {
    }

    /** The dialect's error body for {@code status}. */
    static ErrorBody bodyFor(int status, String requestId) {
        ErrorCode code = codeFor(status);
        return ErrorBody.of(code, messageFor(code), requestId, null);
    }

    private static ErrorCode codeFor(int status) {
        return switch (status) {
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 503 -> ErrorCode.UNAVAILABLE;
            default -> status < 500 ? ErrorCode.INVALID_REQUEST : ErrorCode.INTERNAL_ERROR;
        };
    }

    private static String messageFor(ErrorCode code) {
        return switch (code) {
            case NOT_FOUND -> "No such resource.";
            case METHOD_NOT_ALLOWED -> "This method is not allowed on this resource.";
            case PAYLOAD_TOO_LARGE -> "The request is too large.";
            case UNAVAILABLE -> "The gateway is unavailable; retry later.";
            case INVALID_REQUEST -> "The request is not well-formed HTTP and was refused.";
            default -> "The gateway failed to process the request.";
        };
    }
}
