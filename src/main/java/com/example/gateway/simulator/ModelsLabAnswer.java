package com.example.gateway.simulator;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The three answer shapes ModelsLab gives for generation and fetch calls, spelled exactly as it spells them (including
 * {@code messege} and {@code tip_1}), so clients of the gateway meet the same quirks offline as online. Every name is
 * explicit so a global Jackson naming strategy cannot change the wire format.
 */
sealed interface ModelsLabAnswer {

    record Success(@JsonProperty("status") String status, @JsonProperty("generationTime") double generationTime,
            @JsonProperty("id") long id, @JsonProperty("output") List<String> output,
            @JsonProperty("proxy_links") List<String> proxyLinks,
            @JsonProperty("nsfw_content_detected") boolean nsfwContentDetected,
            @JsonProperty("webhook_status") String webhookStatus, @JsonProperty("meta") Map<String, Object> meta)
            implements ModelsLabAnswer {

        Success(double generationTime, long id, List<String> output, List<String> proxyLinks, Map<String, Object> meta) {
            this("success", generationTime, id, output, proxyLinks, false, "", meta);
        }
    }

    /** {@code output} is the empty string, not an empty array, as in ModelsLab's queued answers. */
    record Processing(@JsonProperty("status") String status, @JsonProperty("tip") String tip,
            @JsonProperty("tip_1") String tip1, @JsonProperty("eta") long eta, @JsonProperty("messege") String messege,
            @JsonProperty("fetch_result") String fetchResult, @JsonProperty("id") long id,
            @JsonProperty("output") String output, @JsonProperty("future_links") List<String> futureLinks,
            @JsonProperty("meta") Map<String, Object> meta) implements ModelsLabAnswer {

        Processing(long eta, String fetchResult, long id, List<String> futureLinks, Map<String, Object> meta) {
            this("processing", "The simulator holds [queue] prompts back for a moment, as a busy ModelsLab would.",
                    "Your image is processing in background, you can get this image using the fetch_result link.",
                    eta, "Try to fetch request after seconds estimated", fetchResult, id, "", futureLinks, meta);
        }
    }

    /** A queued generation that ended without images, as fetch answers it. */
    record Failed(@JsonProperty("status") String status, @JsonProperty("id") long id,
            @JsonProperty("message") String message, @JsonProperty("output") List<String> output,
            @JsonProperty("meta") Map<String, Object> meta) implements ModelsLabAnswer {

        static Failed of(long id, Map<String, Object> meta) {
            return new Failed("failed", id, "Simulated failure: the [fail] prompt asked the simulator to fail this "
                    + "generation.", List.of(), meta);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Error(@JsonProperty("status") String status, @JsonProperty("message") String message,
            @JsonProperty("messege") String messege, @JsonProperty("retry_after") Integer retryAfter)
            implements ModelsLabAnswer {

        static Error withMessage(String message) {
            return new Error("error", message, null, null);
        }

        /** Generation failures use the older {@code messege} spelling, which clients must also read. */
        static Error withMessege(String messege) {
            return new Error("error", null, messege, null);
        }

        static Error queueFull(int limit, int retryAfterSeconds) {
            return new Error("error", "Rate limit exceeded. Maximum " + limit + " queued requests allowed.", null,
                    retryAfterSeconds);
        }
    }
}
