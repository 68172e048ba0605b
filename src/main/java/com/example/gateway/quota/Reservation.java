package com.example.gateway.quota;

import java.time.Instant;
import java.time.LocalDate;

/** An admitted call: what was admitted, when, and the calendar month (UTC) its cost belongs to. */
public record Reservation(Admission admission, Instant admittedAt, LocalDate month) {
}
