package com.example.gateway.web;

import com.example.gateway.errors.ErrorAnswers;
import com.example.gateway.errors.ErrorBody;
import com.example.gateway.errors.ErrorCode;
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
        return ErrorAnswers.of(ex, RequestIds.of(request).toString());
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
        ErrorCode code = ErrorCode.forStatus(statusCode.value());
        String message = code.genericMessage();
        return ResponseEntity.status(statusCode).headers(headers).contentType(MediaType.APPLICATION_JSON)
            .body(render(code, message, request).getBody());
    }

    private static ResponseEntity<Object> render(ErrorCode code, String message, WebRequest request) {
        ResponseEntity<ErrorBody> rendered = ErrorAnswers.render(code, message, null,
                RequestIds.of(((ServletWebRequest) request).getRequest()).toString());
        return ResponseEntity.status(rendered.getStatusCode()).headers(rendered.getHeaders()).body(rendered.getBody());
    }
}
