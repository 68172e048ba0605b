package com.example.gateway.webhook;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param pollInterval how often each replica looks for deliveries due
 * @param timeout connect timeout, and then how long the tenant's receiver may take to answer, of one delivery; a
 * delivery is leased for twice this plus 10 s
 * @param firstRetryAfter wait before the first retry; doubled on every further one, up to {@code maxRetryAfter}
 * @param maxRetryAfter the longest wait between two attempts
 * @param giveUpAfter how long after the callback a delivery is still retried
 * @param tokenLifetime how long after the call ModelsLab's callback is still accepted
 * @param creditRetryInterval how often each replica credits failed generations whose call was not yet in the ledger
 * when their failure was recorded
 * @param callbackBaseUrl where ModelsLab reaches the gateway's callback route, when that is not the public base URL
 * clients use (which is often an internal address): an ingress that exposes only {@code /webhooks/modelslab/}
 */
@ConfigurationProperties("gateway.webhooks.relay")
record RelayProperties(@DefaultValue("2s") Duration pollInterval, @DefaultValue("10s") Duration timeout,
        @DefaultValue("5s") Duration firstRetryAfter, @DefaultValue("1h") Duration maxRetryAfter,
        @DefaultValue("24h") Duration giveUpAfter, @DefaultValue("7d") Duration tokenLifetime,
        @DefaultValue("10s") Duration creditRetryInterval, URI callbackBaseUrl) {

    /** The wait after the {@code attempts}-th failed attempt. */
    Duration backoff(int attempts) {
        Duration wait = firstRetryAfter.multipliedBy(1L << Math.min(Math.max(attempts - 1, 0), 30));
        return wait.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : wait;
    }
}
