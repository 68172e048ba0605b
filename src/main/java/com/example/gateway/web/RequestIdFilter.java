package com.example.gateway.web;

import java.io.IOException;
import java.util.UUID;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request a fresh id (never taken from the client, so ids in the ledger stay unique), puts it in the log
 * context and in the {@code X-Request-Id} response header.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestIdFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        UUID id = RequestIds.of(request);
        response.setHeader(RequestIds.HEADER, id.toString());
        MDC.put("requestId", id.toString());
        try {
            chain.doFilter(request, response);
        }
        finally {
            MDC.remove("requestId");
            MDC.remove("tenant");
        }
    }
}
