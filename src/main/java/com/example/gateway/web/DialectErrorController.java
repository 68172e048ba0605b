package com.example.gateway.web;

import com.example.gateway.errors.ErrorBody;
import com.example.gateway.errors.ErrorCode;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answers in the gateway's dialect the errors the container sends to the error page, in place of Spring Boot's own
 * error JSON. Tomcat does so with 400 when it cannot decode a request body the application is reading (a malformed
 * chunk, a trailer over the limit), whatever the application then answers.
 */
@RestController
class DialectErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ErrorBody> error(HttpServletRequest request) {
        int status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code ? code : 500;
        return ResponseEntity.status(status)
            .contentType(MediaType.APPLICATION_JSON)
            .body(bodyFor(status, RequestIds.of(request).toString()));
    }

    static ErrorBody bodyFor(int status, String requestId) {
        ErrorCode code = ErrorCode.forStatus(status);
        return ErrorBody.of(code, code.genericMessage(), requestId, null);
    }
}
