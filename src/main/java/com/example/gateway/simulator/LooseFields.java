package com.example.gateway.simulator;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a request body the way ModelsLab does: its own docs send numbers as strings ({@code "width": "512"}) and
 * flags as {@code "yes"}/{@code "no"}, while the SDKs send JSON numbers and booleans, so every form must be accepted.
 */
final class LooseFields {

    private final Map<String, Object> body;

    LooseFields(Map<String, Object> body) {
        this.body = body == null ? Map.of() : body;
    }

    String text(String name) {
        Object value = body.get(name);
        return value instanceof String text && !text.isBlank() ? text : null;
    }

    Object value(String name) {
        return body.get(name);
    }

    boolean has(String name) {
        Object value = body.get(name);
        return value != null && !(value instanceof String text && text.isBlank());
    }

    long wholeNumber(String name, long fallback) {
        return has(name) ? wholeNumber(name) : fallback;
    }

    private long wholeNumber(String name) {
        try {
            return number(name).longValueExact();
        }
        catch (ArithmeticException ex) {
            throw new InvalidParameter(name + " must be a whole number");
        }
    }

    BigDecimal number(String name, BigDecimal fallback) {
        return has(name) ? number(name) : fallback;
    }

    /** {@code "yes"} or {@code "no"}, the spelling ModelsLab echoes in {@code meta} whatever the client sent. */
    String flag(String name, String fallback) {
        if (!has(name)) {
            return fallback;
        }
        return switch (String.valueOf(body.get(name)).trim().toLowerCase(Locale.ROOT)) {
            case "yes", "true", "1" -> "yes";
            case "no", "false", "0" -> "no";
            default -> throw new InvalidParameter(name + " must be yes or no");
        };
    }

    private BigDecimal number(String name) {
        Object value = body.get(name);
        if (!(value instanceof Number || value instanceof String)) {
            throw new InvalidParameter(name + " must be a number");
        }
        try {
            return new BigDecimal(value.toString().trim());
        }
        catch (NumberFormatException ex) {
            throw new InvalidParameter(name + " must be a number");
        }
    }
}
