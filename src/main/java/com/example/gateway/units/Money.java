package com.example.gateway.units;

import java.math.BigDecimal;

/**
 * The one way amounts leave the gateway, in JSON, CSV and headers: a plain decimal string ({@code "0.0188"}, never
 * {@code 1.88E-2} or a binary float), so that clients and spreadsheets get exactly what PostgreSQL summed.
 */
public final class Money {

    private Money() {
    }

    /** @return {@code null} for {@code null}, {@code "0"} for any zero */
    public static String plain(BigDecimal amount) {
        if (amount == null) {
            return null;
        }
        return amount.signum() == 0 ? "0" : amount.stripTrailingZeros().toPlainString();
    }
}
