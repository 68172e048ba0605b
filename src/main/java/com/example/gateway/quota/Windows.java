package com.example.gateway.quota;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

import com.example.gateway.units.Utc;

/** The calendar month, day and minute (UTC) that counters belong to, as a replica's clock names them. */
record Windows(LocalDate month, LocalDate day, OffsetDateTime minute) {

    static Windows at(Instant now) {
        OffsetDateTime utc = Utc.of(now);
        return new Windows(utc.toLocalDate().withDayOfMonth(1), utc.toLocalDate(), utc.truncatedTo(ChronoUnit.MINUTES));
    }
}
