package com.example.gateway.alert;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param pollInterval how often each replica looks for alerts due for (re)delivery
 * @param timeout connect timeout, and then how long the receiver may take to answer with a status, of one delivery;
 * a delivery is leased for twice this plus 10 s
 * @param firstRetryAfter wait before the first retry; doubled on every further one
 * @param maxAttempts after this many attempts (counted when claimed, so one a crashed replica began counts too) an
 * alert is given up
 */
@ConfigurationProperties("gateway.alerts")
record AlertProperties(@DefaultValue("5s") Duration pollInterval, @DefaultValue("5s") Duration timeout,
        @DefaultValue("2s") Duration firstRetryAfter, @DefaultValue("8") int maxAttempts) {
}
