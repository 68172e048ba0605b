package com.example.gateway.quota;

import java.time.Duration;

import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param sweepAfter a reservation older than this belongs to a crashed replica and is released; keep it well above
 * the upstream response timeout
 * @param sweepInterval how often each replica looks for such reservations
 * @param settleRetryFor how long a settlement that meets a passing database failure is retried; the call was already
 * forwarded, so giving up means it goes unrecorded until the sweeper marks it abandoned
 * @param settleWait how long a call's answer waits for its settlement to be durable; past it the client gets
 * ModelsLab's answer with its cost and {@code X-Gateway-Budget-Remaining-USD: unknown}, and the settlement is written
 * as soon as the database allows (within {@code settleRetryFor})
 * @param settlementBacklog settlements a replica holds in memory at most; while that many wait, new calls are refused
 * with 503 before anything is forwarded
 * @param upstreamMaxInFlight the former name of {@code gateway.upstream.max-in-flight}, which wins when both are set
 * @param admissionThreads platform threads that run admission statements (see {@link AdmissionThreads}); keep it below
 * the connection pool's size, which settlements and reports share
 * @param admissionWait how long a call waits for an admission thread before it is answered 503 {@code unavailable}
 */
@Validated
@ConfigurationProperties("gateway.quota")
public record QuotaProperties(@DefaultValue("10m") Duration sweepAfter, @DefaultValue("30s") Duration sweepInterval,
        @DefaultValue("2m") Duration settleRetryFor,
        @DefaultValue("10s") Duration settleWait, @DefaultValue("10000") @Positive int settlementBacklog, @Positive Integer upstreamMaxInFlight,
        @DefaultValue("16") @Positive int admissionThreads, @DefaultValue("5s") Duration admissionWait) {
}
