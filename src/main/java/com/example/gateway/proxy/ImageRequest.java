package com.example.gateway.proxy;

/** What the gateway needs to know of a valid generation request: the model, how many images, and the prompt. */
record ImageRequest(String modelId, boolean modelGiven, int samples, String prompt) {
}
