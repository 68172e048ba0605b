package com.example.gateway.errors;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The gateway's error answer, in ModelsLab's own dialect ({@code status: "error"} plus {@code message}), with a
 * machine-readable {@code code}, the request id, and ModelsLab's {@code retry_after} on 429s.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(String status, String message, String code, @JsonProperty("request_id") String requestId,
        @JsonProperty("retry_after") Long retryAfter) {

    public static ErrorBody of(ErrorCode code, String message, String requestId, Long retryAfterSeconds) {
        return new ErrorBody("error", message, code.code(), requestId, retryAfterSeconds);
    }
}
