package com.example.gateway.web;

/** Reads the token out of an {@code Authorization: Bearer <token>} header. */
public final class BearerTokens {

    private static final String PREFIX = "bearer ";

    private BearerTokens() {
    }

    /** The token, or {@code null} when the header is absent or not a Bearer header. */
    public static String from(String authorization) {
        if (authorization == null || authorization.length() <= PREFIX.length()
                || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return null;
        }
        String token = authorization.substring(PREFIX.length()).strip();
        return token.isEmpty() ? null : token;
    }
}
