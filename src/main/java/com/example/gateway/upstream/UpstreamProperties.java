package com.example.gateway.upstream;

import java.time.Duration;

import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The account-wide cap on calls in flight to ModelsLab, and the queue that admitted calls wait in when it is reached.
 *
 * @param maxInFlight optional cap on calls in flight to ModelsLab for the whole account, across all replicas (ModelsLab
 * queues 5 to 15 requests per account, by plan); off when unset, and then calls never wait. The former name
 * {@code gateway.quota.upstream-max-in-flight} still works when this one is unset
 * @param maxQueueWait how long an admitted call waits for a slot (including ModelsLab's own {@code retry_after} after a
 * 429 it answered) before it is refused with 429 {@code upstream_rate_limited}, uncharged
 * @param pollInterval how often each replica's dispatcher looks at the queue without being woken, and writes its
 * heartbeat; notifications wake it sooner
 * @param instanceTimeout a replica whose heartbeat is older than this is dead: its waiters and slots are given back
 * @param capRecovery how long the cap lowered by ModelsLab's 429s stays before it is raised again by one slot (each time
 * calls succeed meanwhile)
 */
@Validated
@ConfigurationProperties("gateway.upstream")
public record UpstreamProperties(@Positive Integer maxInFlight, @DefaultValue("30s") Duration maxQueueWait,
        @DefaultValue("1s") Duration pollInterval, @DefaultValue("10s") Duration instanceTimeout,
        @DefaultValue("30s") Duration capRecovery) {
}
