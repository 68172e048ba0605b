package com.example.gateway.modelslab;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where ModelsLab is and how the gateway talks to it.
 * @param baseUrl {@code MODELSLAB_BASE_URL}
 * @param apiKey {@code MODELSLAB_API_KEY}, the company's one shared key; never logged, returned or stored
 * @param connectTimeout time to open a connection; a call that cannot connect is not charged
 * @param responseTimeout time to wait for an answer once the request is sent; such a call is charged
 * @param maxConnections pooled connections to ModelsLab per replica
 * @param pendingAcquireTimeout how long a call may wait for a pooled connection
 * @param maxResponseSize the largest answer accepted, in bytes
 */
@Validated
@ConfigurationProperties("modelslab")
public record ModelsLabProperties(@NotNull @DefaultValue("https://modelslab.com") URI baseUrl,
        @NotBlank(message = "MODELSLAB_API_KEY must be set to the shared ModelsLab key") String apiKey,
        @NotNull @DefaultValue("5s") Duration connectTimeout,
        @NotNull @DefaultValue("120s") Duration responseTimeout,
        @Positive @DefaultValue("1000") int maxConnections,
        @NotNull @DefaultValue("10s") Duration pendingAcquireTimeout,
        @Positive @DefaultValue("16777216") int maxResponseSize) {
}
