package com.example.gateway.proxy;

import java.time.Duration;

import com.example.gateway.quota.CallOutcome;

/**
 * What the gateway answers the client for one upstream exchange, and how that exchange is recorded.
 * @param status the HTTP status for the client
 * @param body the JSON body for the client
 * @param outcome the ledger outcome (decides whether the call is charged)
 * @param upstreamStatus ModelsLab's HTTP status, or {@code null} when it never answered
 * @param upstreamId ModelsLab's generation id, when it gave one
 * @param retryAfter for 429 answers
 */
record ClientAnswer(int status, byte[] body, CallOutcome outcome, Integer upstreamStatus, String upstreamId,
        Duration retryAfter) {
}
