package com.example.gateway.report;

import com.example.gateway.units.Utc;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;

/**
 * A run of whole UTC days, both ends included, as reports take them ({@code from=2025-03-01&to=2025-03-31} or
 * {@code month=2025-03}), and the half-open range of instants PostgreSQL compares {@code created_at} with: a call at
 * 23:59:59.999999 on the last day is in, one at 00:00 the next day is not.
 */
record UtcPeriod(LocalDate firstDay, LocalDate lastDay) {

    // Four-digit years only: java.time would take +12345 or -0001, which PostgreSQL may not.
    private static final Pattern MONTH = Pattern.compile("[0-9]{4}-[0-9]{2}");
    private static final Pattern DAY = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");

    static UtcPeriod of(YearMonth month) {
        return new UtcPeriod(month.atDay(1), month.atEndOfMonth());
    }

    /** {@code month} as {@code YYYY-MM}; absent means the current UTC month. */
    static YearMonth month(String month, Clock clock) {
        if (month == null) {
            return YearMonth.now(clock.withZone(ZoneOffset.UTC));
        }
        try {
            if (MONTH.matcher(month).matches()) {
                return YearMonth.parse(month);
            }
        }
        catch (DateTimeParseException ex) {
            // falls through to the error below
        }
        throw invalid("Parameter 'month' must be a month as YYYY-MM.");
    }

    /** A required or optional day parameter as {@code YYYY-MM-DD}; {@code null} when absent. */
    static LocalDate day(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            if (DAY.matcher(value).matches()) {
                return LocalDate.parse(value);
            }
        }
        catch (DateTimeParseException ex) {
            // falls through to the error below
        }
        throw invalid("Parameter '" + name + "' must be a date as YYYY-MM-DD.");
    }

    static void requireOrdered(LocalDate from, LocalDate to) {
        if (from != null && to != null && from.isAfter(to)) {
            throw invalid("Parameter 'from' must not be after 'to'.");
        }
    }

    long days() {
        return ChronoUnit.DAYS.between(firstDay, lastDay) + 1;
    }

    /** The first instant of the period, inclusive. */
    OffsetDateTime start() {
        return startOf(firstDay);
    }

    /** The first instant after the period, exclusive. */
    OffsetDateTime end() {
        return endOf(lastDay);
    }

    static OffsetDateTime startOf(LocalDate day) {
        return Utc.startOf(day);
    }

    static OffsetDateTime endOf(LocalDate day) {
        return Utc.startOf(day.plusDays(1));
    }

    static GatewayException invalid(String message) {
        return new GatewayException(ErrorCode.INVALID_REQUEST, message);
    }
}
