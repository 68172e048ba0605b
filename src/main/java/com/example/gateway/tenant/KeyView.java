package com.example.gateway.tenant;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A tenant key as the admin API shows it; {@code key} is present only in the answer that created it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KeyView(UUID id, String name, String key, String prefix, Instant createdAt, Instant revokedAt) {
}
