package com.example.gateway.proxy;

/** The ModelsLab routes the gateway serves; the generations are priced per model and validated alike. */
enum Endpoint {

    TEXT2IMG("text2img"),
    IMG2IMG("img2img", "init_image"),
    INPAINT("inpaint", "init_image", "mask_image"),
    /** Not a generation: the fetch of a queued one, never validated as one, never charged. */
    FETCH("fetch");

    private final String path;
    private final String[] requiredImages;

    Endpoint(String path, String... requiredImages) {
        this.path = path;
        this.requiredImages = requiredImages;
    }

    String path() {
        return path;
    }

    String upstreamUri() {
        return "/api/v6/images/" + path;
    }

    String[] requiredImages() {
        return requiredImages;
    }
}
