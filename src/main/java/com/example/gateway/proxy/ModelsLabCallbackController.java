package com.example.gateway.proxy;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import com.example.gateway.modelslab.ModelsLabClient;
import com.example.gateway.webhook.Callbacks;
import com.example.gateway.webhook.WebhookRelays;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.SchemaProperty;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Where ModelsLab posts the result of a relayed call. No tenant credentials: the token in the path is the credential,
 * unguessable and bound to one call. The body is read and validated as a client's is, then stored for delivery to the
 * tenant's own webhook (see {@link Callbacks}) before ModelsLab gets its 200.
 */
@RestController
@Tag(name = "ModelsLab callbacks", description = "Where ModelsLab posts the results of calls that named a webhook")
class ModelsLabCallbackController {

    private final JsonBodies json;
    private final UpstreamAnswers answers;
    private final ModelsLabClient modelsLab;
    private final WebhookRelays relays;
    private final Callbacks callbacks;
    private final ProxyProperties properties;

    ModelsLabCallbackController(JsonBodies json, UpstreamAnswers answers, ModelsLabClient modelsLab,
            WebhookRelays relays, Callbacks callbacks, ProxyProperties properties) {
        this.json = json;
        this.answers = answers;
        this.modelsLab = modelsLab;
        this.relays = relays;
        this.callbacks = callbacks;
        this.properties = properties;
    }

    @PostMapping(WebhookRelays.CALLBACK_PATH + "{token}")
    @Operation(summary = "Receive ModelsLab's webhook for a relayed call and relay it to the tenant",
            description = "Called by ModelsLab, at the URL the gateway forwarded as the call's webhook. The same "
                    + "callback again is acknowledged and not relayed twice; an unknown, expired or used-up token "
                    + "gets 404.")
    @ApiResponse(responseCode = "200", description = "Received (or received already)", content = @Content(
            mediaType = "application/json", schema = @Schema(type = "object"), schemaProperties = {
                @SchemaProperty(name = "status", schema = @Schema(type = "string")),
                @SchemaProperty(name = "message", schema = @Schema(type = "string")) }))
    @ApiResponse(responseCode = "404", description = "`not_found`: the token is unknown, expired, or took another "
            + "callback already")
    @RequestBody(required = true, description = "ModelsLab's webhook payload; other fields pass through.",
            content = @Content(mediaType = "application/json", schema = @Schema(type = "object"), schemaProperties = {
                @SchemaProperty(name = "status", schema = @Schema(type = "string", description = "success or failed")),
                @SchemaProperty(name = "id", schema = @Schema(type = "integer")),
                @SchemaProperty(name = "output", schema = @Schema(type = "array")),
                @SchemaProperty(name = "track_id", schema = @Schema(type = "string")) }))
    Map<String, String> callback(@PathVariable String token,
            @RequestHeader(value = HttpHeaders.CONTENT_LENGTH, required = false) Long length, InputStream in) {
        byte[] raw = json.read(length == null ? -1 : length, in);
        ObjectNode body = json.parseObject(raw, false);
        WebhookRelays.Relay relay = relays.find(token).orElseThrow(ModelsLabCallbackController::unknown);
        String status = body.path("status").isString() ? body.get("status").asString() : null;
        String upstreamId = UpstreamAnswers.idOf(body);
        int outputs = QueuedGenerations.outputs(body);
        if (relay.trackId() == null) {
            body.remove("track_id");
        }
        else {
            body.set("track_id", json.parseAnswer(("{\"t\":" + relay.trackId() + "}").getBytes(StandardCharsets.UTF_8)).get("t"));
        }
        byte[] relayed = answers.relayed(body, publicBase(), modelsLab.sharedKey());
        Callbacks.Verdict verdict = callbacks.accept(relay,
                new Callbacks.Callback(status, upstreamId, outputs, relayed, JsonBodies.sha256(raw)));
        return Map.of("status", "success", "message", switch (verdict) {
            case ACCEPTED -> "Received; it will be delivered to the tenant.";
            case REPEATED -> "Received already.";
            case NOT_FINAL -> "Received; only a final status (success or failed) is relayed.";
            case USED_UP -> throw unknown();
        });
    }

    private URI publicBase() {
        if (properties.publicBaseUrl() != null) {
            return properties.publicBaseUrl();
        }
        return ServletUriComponentsBuilder.fromCurrentContextPath().replaceQuery(null).build().toUri();
    }

    private static GatewayException unknown() {
        return new GatewayException(ErrorCode.NOT_FOUND, "No relayed call with this token is waiting for a result.");
    }
}
