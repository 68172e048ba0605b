package com.example.gateway.web;

import com.example.gateway.errors.GatewayException;
import com.example.gateway.errors.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.HandlerInterceptor;

/** Lets a request into {@code /admin/**} only with {@code Authorization: Bearer <admin token>}. */
class AdminTokenInterceptor implements HandlerInterceptor {

    private final byte[] adminToken;

    AdminTokenInterceptor(AdminProperties properties) {
        String token = properties.adminToken();
        this.adminToken = token == null || token.isBlank() ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        String presented = BearerTokens.from(request.getHeader(HttpHeaders.AUTHORIZATION));
        if (adminToken == null || presented == null
                || !MessageDigest.isEqual(adminToken, presented.getBytes(StandardCharsets.UTF_8))) {
            throw new GatewayException(ErrorCode.INVALID_KEY, "A valid admin token is required.");
        }
        return true;
    }
}
