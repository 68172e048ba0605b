package com.example.gateway.webhook;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param creditFailedGenerations whether a charged queued call whose generation ends {@code failed} is credited its
 * cost (an adjustment naming the call); on by default, because ModelsLab delivers nothing for it
 */
@ConfigurationProperties("gateway.pricing")
record CreditProperties(@DefaultValue("true") boolean creditFailedGenerations) {
}
