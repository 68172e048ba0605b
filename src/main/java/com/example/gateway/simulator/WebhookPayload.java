package com.example.gateway.simulator;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** What ModelsLab POSTs to a call's {@code webhook} when its queued generation ends: success or failed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record WebhookPayload(@JsonProperty("status") String status, @JsonProperty("id") long id,
        @JsonProperty("output") List<String> output, @JsonProperty("generationTime") double generationTime,
        @JsonProperty("track_id") Object trackId, @JsonProperty("meta") Map<String, Object> meta) {
}
