package com.example.gateway.web;

import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;

/** The id of the current request, as given to clients in {@code X-Request-Id} and stored in the ledger. */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    static final String ATTRIBUTE = RequestIds.class.getName();

    private RequestIds() {
    }

    public static UUID of(HttpServletRequest request) {
        Object id = request.getAttribute(ATTRIBUTE);
        if (id instanceof UUID uuid) {
            return uuid;
        }
        UUID created = UUID.randomUUID();
        request.setAttribute(ATTRIBUTE, created);
        return created;
    }
}
