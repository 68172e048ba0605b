package com.example.gateway.units;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** The one conversion of the gateway's instants and days to the UTC timestamps PostgreSQL stores. */
public final class Utc {

    private Utc() {
    }

    public static OffsetDateTime of(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** Midnight UTC at the start of {@code day}. */
    public static OffsetDateTime startOf(LocalDate day) {
        return day.atStartOfDay().atOffset(ZoneOffset.UTC);
    }
}
