package com.example.gateway.console;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * A chart's data as the JSON that {@code console.js} draws with uPlot: x as UTC seconds, y as numbers, one point per
 * day of the range (days without calls at 0). Only the drawing uses binary numbers; every figure a person reads is in
 * the table next to it, as an exact decimal string.
 */
@Component
class Charts {

    private final JsonMapper json;

    Charts(JsonMapper json) {
        this.json = json;
    }

    /** USD per UTC day from {@code first} to {@code last}, both included. */
    String perDay(String label, LocalDate first, LocalDate last, Map<LocalDate, BigDecimal> amounts) {
        List<Long> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            x.add(day.atStartOfDay().toEpochSecond(ZoneOffset.UTC));
            y.add(amounts.getOrDefault(day, BigDecimal.ZERO).doubleValue());
        }
        return json.writeValueAsString(Map.of("label", label, "x", x, "y", y));
    }
}
