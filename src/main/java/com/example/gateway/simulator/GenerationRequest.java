package com.example.gateway.simulator;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The parts of a text2img, img2img or inpaint body the simulator uses, already read from their loose JSON types.
 *
 * @param meta what ModelsLab echoes back in every answer about this generation
 * @param webhook where to POST the result of a queued generation, or {@code null}
 * @param trackId echoed in the webhook, as sent, or {@code null}
 */
record GenerationRequest(String prompt, int samples, Map<String, Object> meta, String webhook, Object trackId) {

    /** Whether the prompt asks the generation to end {@code failed} (with {@code [queue]}: after processing). */
    boolean failing() {
        return prompt.contains("[fail]");
    }

    private static final int MAX_SAMPLES = 4;

    static GenerationRequest from(LooseFields fields) {
        String prompt = fields.text("prompt");
        if (prompt == null) {
            throw new InvalidParameter("prompt is required");
        }
        long samples = fields.wholeNumber("samples", 1);
        if (samples < 1 || samples > MAX_SAMPLES) {
            throw new InvalidParameter("samples must be between 1 and " + MAX_SAMPLES);
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("prompt", prompt);
        meta.put("model_id", Objects.requireNonNullElse(fields.text("model_id"), "octoflat"));
        meta.put("negative_prompt", Objects.requireNonNullElse(fields.text("negative_prompt"), ""));
        meta.put("width", fields.wholeNumber("width", 512));
        meta.put("height", fields.wholeNumber("height", 512));
        meta.put("n_samples", samples);
        // A real seed is chosen when none is sent, and echoed so the client could repeat the image.
        meta.put("seed", fields.wholeNumber("seed", ThreadLocalRandom.current().nextLong(1, 4_294_967_295L)));
        meta.put("guidance_scale", fields.number("guidance_scale", new BigDecimal("7.5")));
        meta.put("num_inference_steps", fields.wholeNumber("num_inference_steps", 20));
        if (fields.has("strength")) {
            meta.put("strength", fields.number("strength", BigDecimal.ONE));
        }
        meta.put("safety_checker", fields.flag("safety_checker", "no"));
        meta.put("base64", fields.flag("base64", "no"));
        return new GenerationRequest(prompt, (int) samples, Collections.unmodifiableMap(meta), fields.text("webhook"),
                fields.value("track_id"));
    }
}
