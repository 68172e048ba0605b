package com.example.gateway.simulator;

import java.util.Arrays;

/**
 * Words in a prompt that make the simulator answer the way ModelsLab does on a bad day, so every path through the
 * gateway can be tried and tested on purpose. The first match in declaration order wins.
 */
enum PromptTrigger {

    /** HTTP 429, as when the account already has its maximum of queued requests. */
    QUEUE_FULL("[full]"),

    /** HTTP 200 with {@code "status":"error"}, as when a generation fails upstream. */
    GENERATION_ERROR("[error]"),

    /** {@code "status":"processing"} now, {@code success} from a fetch once the processing time has passed. */
    QUEUED("[queue]"),

    /** {@code "status":"success"} at once. */
    NONE("");

    private final String word;

    PromptTrigger(String word) {
        this.word = word;
    }

    static PromptTrigger in(String prompt) {
        return Arrays.stream(values())
            .filter(trigger -> trigger != NONE && prompt.contains(trigger.word))
            .findFirst()
            .orElse(NONE);
    }
}
