package com.example.gateway.report;

import java.math.BigDecimal;

/**
 * Amounts leave reports as plain decimal strings ({@code "0.0188"}, never {@code 1.88E-2} or a binary float), so that
 * JSON clients and spreadsheets get exactly what PostgreSQL summed.
 */
final class Money {

    private Money() {
    }

    static String plain(BigDecimal amount) {
        if (amount == null) {
            return null;
        }
        return amount.signum() == 0 ? "0" : amount.stripTrailingZeros().toPlainString();
    }
}
