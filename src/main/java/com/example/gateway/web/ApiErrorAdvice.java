package com.example.gateway.web;

import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
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

    @ExceptionHandler(Exception.class)
    ResponseEntity<ErrorBody> failure(Exception ex, HttpServletRequest request) {
        return ErrorAnswers.of(ex, request);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String fields = ex.getFieldErrors().stream()
            .map(error -> "'" + error.getField() + "' " + error.getDefaultMessage())
            .sorted()
            .collect(Collectors.joining(", "));
        return render(ErrorCode.INVALID_REQUEST, "Invalid field " + fields + ".", request);
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
        return ResponseEntity.status(statusCode).headers(headers).contentType(MediaType.APPLICATION_JSON)
            .body(render(code, message, request).getBody());
    }

    private static ResponseEntity<Object> render(ErrorCode code, String message, WebRequest request) {
        ResponseEntity<ErrorBody> rendered = ErrorAnswers.render(code, message, null,
                ((ServletWebRequest) request).getRequest());
        return ResponseEntity.status(rendered.getStatusCode()).headers(rendered.getHeaders()).body(rendered.getBody());
    }
}
