package com.example.gateway.quota;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param sweepAfter a reservation older than this belongs to a crashed replica and is released; keep it well above
 * the upstream response timeout
 * @param sweepInterval how often each replica looks for such reservations
 */
@ConfigurationProperties("gateway.quota")
record QuotaProperties(@DefaultValue("10m") Duration sweepAfter, @DefaultValue("30s") Duration sweepInterval) {
}
