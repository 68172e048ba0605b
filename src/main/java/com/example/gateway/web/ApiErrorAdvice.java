package com.example.gateway.web;

import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The one error-mapping advice: every error, ours or Spring MVC's, leaves in the gateway's dialect with a real HTTP
 * status, and never with an exception name, a stack trace or a key.
 */
@RestControllerAdvice
class ApiErrorAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorAdvice.class);

    @ExceptionHandler(GatewayException.class)
    ResponseEntity<Object> gateway(GatewayException ex, HttpServletRequest request) {
        return render(ex.code(), ex.getMessage(), ex.retryAfter() == null ? null : ex.retryAfter().toSeconds(), request);
    }

    @ExceptionHandler({ CannotGetJdbcConnectionException.class, CannotCreateTransactionException.class,
            DataAccessResourceFailureException.class })
    ResponseEntity<Object> databaseDown(Exception ex, HttpServletRequest request) {
        log.warn("Database unavailable: {}", ex.getClass().getSimpleName());
        return render(ErrorCode.UNAVAILABLE, "The gateway's database is unavailable or overloaded; nothing was forwarded or charged.",
                null, request);
    }

    @ExceptionHandler(DataAccessException.class)
    ResponseEntity<Object> database(DataAccessException ex, HttpServletRequest request) {
        if (DatabaseFailures.isConnectionFailure(ex)) {
            return databaseDown(ex, request);
        }
        log.error("Database error", ex);
        return render(ErrorCode.INTERNAL_ERROR, "The gateway failed to process the request.", null, request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception ex, HttpServletRequest request) {
        log.error("Unexpected error", ex);
        return render(ErrorCode.INTERNAL_ERROR, "The gateway failed to process the request.", null, request);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String fields = ex.getFieldErrors().stream()
            .map(error -> "'" + error.getField() + "' " + error.getDefaultMessage())
            .sorted()
            .collect(Collectors.joining(", "));
        return render(ErrorCode.INVALID_REQUEST, "Invalid field " + fields + ".", null,
                ((ServletWebRequest) request).getRequest());
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        ErrorCode code = switch (statusCode.value()) {
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 503 -> ErrorCode.UNAVAILABLE;
            default -> statusCode.is4xxClientError() ? ErrorCode.INVALID_REQUEST : ErrorCode.INTERNAL_ERROR;
        };
        String message = switch (code) {
            case NOT_FOUND -> "No such resource.";
            case METHOD_NOT_ALLOWED -> "This method is not allowed on this resource.";
            case UNSUPPORTED_MEDIA_TYPE -> "The request body must be JSON.";
            case PAYLOAD_TOO_LARGE -> "The request body is too large.";
            case INVALID_REQUEST -> "The request is malformed or has an invalid parameter.";
            default -> "The gateway failed to process the request.";
        };
        HttpServletRequest servletRequest = ((ServletWebRequest) request).getRequest();
        ResponseEntity<Object> rendered = render(code, message, null, servletRequest);
        return ResponseEntity.status(statusCode).headers(headers).contentType(MediaType.APPLICATION_JSON)
            .body(rendered.getBody());
    }

    private static ResponseEntity<Object> render(ErrorCode code, String message, Long retryAfterSeconds,
            HttpServletRequest request) {
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(code.status()).contentType(MediaType.APPLICATION_JSON);
        if (retryAfterSeconds != null) {
            builder.header(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfterSeconds));
        }
        return builder.body(ErrorBody.of(code, message, RequestIds.of(request).toString(), retryAfterSeconds));
    }
}
