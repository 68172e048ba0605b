package com.example.gateway.proxy;

import java.io.IOException;
import java.net.URI;
import java.util.Collections;
import java.util.Enumeration;

import com.example.gateway.upstream.UpstreamPriority;
import com.example.gateway.web.BearerTokens;
import com.example.gateway.web.RequestIds;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.SchemaProperty;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * ModelsLab's v6 image routes, served at the same paths, so that a ModelsLab client needs only a new base URL and key.
 * Bodies are read raw: the gateway forwards what the client sent, not a re-typed copy. The OpenAPI annotations only
 * sketch ModelsLab's main fields for readers; any other field passes through.
 */
@RestController
@RequestMapping("/api/v6/images")
@Tag(name = "Images", description = "ModelsLab's v6 image API: same paths, same bodies, same answers")
@ApiResponse(responseCode = "200", description = "ModelsLab's answer as it came (status success, processing or "
        + "error), with the headers X-Gateway-Cost-USD and X-Gateway-Budget-Remaining-USD",
        content = @Content(mediaType = "application/json", schema = @Schema(type = "object")))
class ImageController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private static final String PRIORITY_DESCRIPTION = "Optional: when the ModelsLab account is at its cap, calls wait "
            + "for a slot, shared fairly between tenants; batch puts this call behind its tenant's interactive calls "
            + "(the default)";

    private final IdempotentCalls generations;
    private final FetchProxy fetches;
    private final AsyncAnswers answers;
    private final JsonBodies json;
    private final ProxyProperties properties;

    ImageController(IdempotentCalls generations, FetchProxy fetches, AsyncAnswers answers, JsonBodies json,
            ProxyProperties properties) {
        this.generations = generations;
        this.fetches = fetches;
        this.answers = answers;
        this.json = json;
        this.properties = properties;
    }

    @PostMapping("/text2img")
    @Operation(summary = "Generate images from a prompt (ModelsLab text2img)")
    @Parameter(in = ParameterIn.HEADER, name = AttributionHeaders.PROJECT,
            description = AttributionHeaders.PROJECT_DESCRIPTION, schema = @Schema(type = "string", maxLength = 64))
    @Parameter(in = ParameterIn.HEADER, name = AttributionHeaders.TAGS, description = AttributionHeaders.TAGS_DESCRIPTION,
            schema = @Schema(type = "string"))
    @Parameter(in = ParameterIn.HEADER, name = IDEMPOTENCY_KEY, description = "Optional: a retry with the same key "
            + "and body gets the first answer again, free of charge", schema = @Schema(type = "string", maxLength = 255))
    @Parameter(in = ParameterIn.HEADER, name = UpstreamPriority.HEADER, description = PRIORITY_DESCRIPTION,
            schema = @Schema(type = "string", allowableValues = { "interactive", "batch" }))
    @RequestBody(required = true, description = "ModelsLab's text2img body; other ModelsLab fields pass through.",
            content = @Content(mediaType = "application/json", schema = @Schema(type = "object"), schemaProperties = {
                @SchemaProperty(name = "key", schema = @Schema(type = "string",
                        description = "The tenant key, unless sent as Bearer")),
                @SchemaProperty(name = "model_id", schema = @Schema(type = "string",
                        description = "An enabled model; the default model when absent")),
                @SchemaProperty(name = "prompt", schema = @Schema(type = "string")),
                @SchemaProperty(name = "negative_prompt", schema = @Schema(type = "string")),
                @SchemaProperty(name = "width", schema = @Schema(type = "integer")),
                @SchemaProperty(name = "height", schema = @Schema(type = "integer")),
                @SchemaProperty(name = "samples", schema = @Schema(type = "integer",
                        description = "Images to generate, 1 to 4; priced per image")),
                @SchemaProperty(name = "seed", schema = @Schema(type = "integer")),
                @SchemaProperty(name = "webhook", schema = @Schema(type = "string", format = "uri")) }))
    void text2img(HttpServletRequest request, HttpServletResponse response) throws IOException {
        generate(Endpoint.TEXT2IMG, request, response);
    }

    @PostMapping("/img2img")
    @Operation(summary = "Generate images from an image and a prompt (ModelsLab img2img)")
    @Parameter(in = ParameterIn.HEADER, name = AttributionHeaders.PROJECT,
            description = AttributionHeaders.PROJECT_DESCRIPTION, schema = @Schema(type = "string", maxLength = 64))
    @Parameter(in = ParameterIn.HEADER, name = AttributionHeaders.TAGS, description = AttributionHeaders.TAGS_DESCRIPTION,
            schema = @Schema(type = "string"))
    @Parameter(in = ParameterIn.HEADER, name = IDEMPOTENCY_KEY, description = "Optional: a retry with the same key "
            + "and body gets the first answer again, free of charge", schema = @Schema(type = "string", maxLength = 255))
    @Parameter(in = ParameterIn.HEADER, name = UpstreamPriority.HEADER, description = PRIORITY_DESCRIPTION,
            schema = @Schema(type = "string", allowableValues = { "interactive", "batch" }))
    @RequestBody(required = true, description = "As text2img, plus init_image and strength.",
            content = @Content(mediaType = "application/json", schema = @Schema(type = "object"), schemaProperties = {
                @SchemaProperty(name = "prompt", schema = @Schema(type = "string")),
                @SchemaProperty(name = "init_image", schema = @Schema(type = "string", format = "uri")),
                @SchemaProperty(name = "strength", schema = @Schema(type = "number", description = "0 to 1")) }))
    void img2img(HttpServletRequest request, HttpServletResponse response) throws IOException {
        generate(Endpoint.IMG2IMG, request, response);
    }

    @PostMapping("/inpaint")
    @Operation(summary = "Repaint the masked part of an image (ModelsLab inpaint)")
    @Parameter(in = ParameterIn.HEADER, name = AttributionHeaders.PROJECT,
            description = AttributionHeaders.PROJECT_DESCRIPTION, schema = @Schema(type = "string", maxLength = 64))
    @Parameter(in = ParameterIn.HEADER, name = AttributionHeaders.TAGS, description = AttributionHeaders.TAGS_DESCRIPTION,
            schema = @Schema(type = "string"))
    @Parameter(in = ParameterIn.HEADER, name = IDEMPOTENCY_KEY, description = "Optional: a retry with the same key "
            + "and body gets the first answer again, free of charge", schema = @Schema(type = "string", maxLength = 255))
    @Parameter(in = ParameterIn.HEADER, name = UpstreamPriority.HEADER, description = PRIORITY_DESCRIPTION,
            schema = @Schema(type = "string", allowableValues = { "interactive", "batch" }))
    @RequestBody(required = true, description = "As text2img, plus init_image and mask_image.",
            content = @Content(mediaType = "application/json", schema = @Schema(type = "object"), schemaProperties = {
                @SchemaProperty(name = "prompt", schema = @Schema(type = "string")),
                @SchemaProperty(name = "init_image", schema = @Schema(type = "string", format = "uri")),
                @SchemaProperty(name = "mask_image", schema = @Schema(type = "string", format = "uri")) }))
    void inpaint(HttpServletRequest request, HttpServletResponse response) throws IOException {
        generate(Endpoint.INPAINT, request, response);
    }

    @PostMapping("/fetch/{id}")
    @Operation(summary = "Fetch a queued generation of the caller's own, free of charge")
    @RequestBody(description = "The tenant key, unless sent as Bearer.",
            content = @Content(mediaType = "application/json", schema = @Schema(type = "object"), schemaProperties = {
                @SchemaProperty(name = "key", schema = @Schema(type = "string")) }))
    void fetchById(@PathVariable String id, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        fetch(id, request, response);
    }

    @PostMapping("/fetch")
    @Operation(summary = "Fetch a queued generation named by request_id, free of charge")
    @RequestBody(required = true, description = "The generation id, and the tenant key unless sent as Bearer.",
            content = @Content(mediaType = "application/json", schema = @Schema(type = "object"), schemaProperties = {
                @SchemaProperty(name = "key", schema = @Schema(type = "string")),
                @SchemaProperty(name = "request_id", schema = @Schema(type = "integer")) }))
    void fetch(HttpServletRequest request, HttpServletResponse response) throws IOException {
        fetch(null, request, response);
    }

    private void generate(Endpoint endpoint, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        answers.answer(request, response, generations.generate(call(endpoint, request)).thenApply(CallAnswer::toResponse));
    }

    private void fetch(String id, HttpServletRequest request, HttpServletResponse response) throws IOException {
        answers.answer(request, response, fetches.fetch(call(Endpoint.FETCH, request), id).thenApply(CallAnswer::toResponse));
    }

    /** Everything the use cases need of the HTTP request, read once. */
    private ImageCall call(Endpoint endpoint, HttpServletRequest request) throws IOException {
        byte[] body = json.read(request.getContentLengthLong(), request.getInputStream());
        return new ImageCall(endpoint, body, BearerTokens.from(request.getHeader(HttpHeaders.AUTHORIZATION)),
                request.getHeader(IDEMPOTENCY_KEY), RequestIds.of(request), publicBase(request),
                joined(request, AttributionHeaders.PROJECT), joined(request, AttributionHeaders.TAGS),
                endpoint == Endpoint.FETCH ? UpstreamPriority.INTERACTIVE
                        : UpstreamPriority.of(request.getHeader(UpstreamPriority.HEADER)));
    }

    /** A header's values, joined by commas as HTTP allows for a list; {@code null} when absent. */
    private static String joined(HttpServletRequest request, String name) {
        Enumeration<String> values = request.getHeaders(name);
        if (values == null || !values.hasMoreElements()) {
            return null;
        }
        String first = values.nextElement();
        return values.hasMoreElements() ? first + "," + String.join(",", Collections.list(values)) : first;
    }

    private URI publicBase(HttpServletRequest request) {
        if (properties.publicBaseUrl() != null) {
            return properties.publicBaseUrl();
        }
        return ServletUriComponentsBuilder.fromContextPath(request).replaceQuery(null).build().toUri();
    }
}
