package com.example.gateway.console;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Collection;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import com.example.gateway.units.Money;

/**
 * Small arithmetic and parsing the pages share. Amounts arrive as the exact decimal strings the reports give and are
 * summed as {@link BigDecimal}, so a page's total is what the API's would be.
 */
final class Amounts {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private Amounts() {
    }

    static String sum(Collection<String> amounts) {
        return Money.plain(amounts.stream().filter(a -> a != null).map(BigDecimal::new)
            .reduce(BigDecimal.ZERO, BigDecimal::add));
    }

    /** {@code part} as a whole percentage of {@code whole}, for the width of a bar; 0 without a whole. */
    static int percent(String part, BigDecimal whole) {
        if (whole == null || whole.signum() == 0 || part == null) {
            return 0;
        }
        return new BigDecimal(part).multiply(HUNDRED).divide(whole, 0, RoundingMode.HALF_UP).intValue();
    }

    /** {@code YYYY-MM}, or the given default when blank. */
    static YearMonth month(String value, YearMonth otherwise) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            if (value.matches("[0-9]{4}-[0-9]{2}")) {
                return YearMonth.parse(value);
            }
        }
        catch (DateTimeException ex) {
            // answered below
        }
        throw new GatewayException(ErrorCode.INVALID_REQUEST, "The month must be given as YYYY-MM.");
    }

    /** {@code YYYY-MM-DD}, or the given default when blank. */
    static LocalDate day(String value, LocalDate otherwise) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            if (value.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
                return LocalDate.parse(value);
            }
        }
        catch (DateTimeException ex) {
            // answered below
        }
        throw new GatewayException(ErrorCode.INVALID_REQUEST, "Dates must be given as YYYY-MM-DD.");
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
