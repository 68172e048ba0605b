package com.example.gateway.partition;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How far ahead the ledger's monthly partitions are created, and how often each replica makes sure they are.
 * @param monthsAhead months after the current one (UTC) that get their partition now; 3 rides out a job that fails
 * for months
 * @param interval time between two runs on one replica; the first run is at start-up
 */
@Validated
@ConfigurationProperties("gateway.ledger-partitions")
record PartitionProperties(@PositiveOrZero @Max(24) @DefaultValue("3") int monthsAhead,
        @NotNull @DefaultValue("6h") Duration interval) {
}
