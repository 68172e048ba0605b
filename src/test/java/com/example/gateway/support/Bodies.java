package com.example.gateway.support;

import tools.jackson.databind.json.JsonMapper;

/** Request bodies that many tests send; others are written out as text blocks where they are used. */
public final class Bodies {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Bodies() {
    }

    /** The smallest valid image request, {@code {"prompt":"a cat"}}: every other field takes ModelsLab's default. */
    public static String text2img(String prompt) {
        return "{\"prompt\":" + JSON.writeValueAsString(prompt) + "}";
    }
}
