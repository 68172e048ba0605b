package com.example.gateway.proxy;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import com.example.gateway.quota.AdmissionRequest;
import com.example.gateway.quota.Attribution;
import com.example.gateway.quota.Credential;
import com.example.gateway.tenant.Caller;
import com.example.gateway.tenant.TenantAuthenticator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

/**
 * Reads a call's body and credentials and refuses, before anything touches the database or ModelsLab, what cannot be
 * valid: a body that is not a JSON object, a field ModelsLab would refuse, a malformed Idempotency-Key or attribution
 * header, a key that cannot be a tenant key.
 */
@Component
class CallReader {

    private static final Pattern IDEMPOTENCY_KEY_FORMAT = Pattern.compile("[\\x20-\\x7E]{1,255}");
    private static final Pattern GENERATION_ID = Pattern.compile("[0-9]{1,20}");

    private final JsonBodies json;
    private final ImageRequestValidator validator;
    private final TenantAuthenticator authenticator;

    CallReader(JsonBodies json, ImageRequestValidator validator, TenantAuthenticator authenticator) {
        this.json = json;
        this.validator = validator;
        this.authenticator = authenticator;
    }

    Generation generation(ImageCall call) {
        ObjectNode body = json.parseObject(call.body(), false);
        ImageRequest image = validator.validate(call.endpoint(), body);
        String idempotencyKey = idempotencyKey(call.idempotencyKey());
        byte[] keyHash = keyHash(call, body);
        body.remove("key");
        byte[] requestHash = idempotencyKey == null ? null
                : JsonBodies.sha256((call.endpoint().path() + "\n" + new String(json.write(body), StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8));
        Attribution attribution = AttributionHeaders.read(call.project(), call.tags(), body);
        AdmissionRequest admission = new AdmissionRequest(call.requestId(), image.modelId(), call.endpoint().path(),
                image.samples(), idempotencyKey, JsonBodies.sha256(image.prompt().getBytes(StandardCharsets.UTF_8)),
                attribution);
        return new Generation(call, image, body, new Credential.KeyHash(keyHash), requestHash,
                admission);
    }

    /** The body ModelsLab gets: the client's, with the shared key and, when the client named none, the model. */
    byte[] upstreamBody(Generation generation, String sharedKey) {
        ObjectNode body = generation.body();
        body.put("key", sharedKey);
        if (!generation.image().modelGiven()) {
            body.put("model_id", generation.image().modelId());
        }
        return json.write(body);
    }

    /**
     * Authenticates a fetch and names the generation it asks for.
     * @param pathId the id from {@code /fetch/{id}}, or {@code null} for the body form ({@code request_id})
     * @return the generation id, or {@code null} when it is not a ModelsLab id
     */
    Fetch fetch(ImageCall call, String pathId) {
        ObjectNode body = json.parseObject(call.body(), true);
        Caller caller = authenticator.authenticate(keyHash(call, body));
        String id = pathId != null ? pathId : textOf(body.get("request_id"));
        return new Fetch(caller, id != null && GENERATION_ID.matcher(id).matches() ? id : null);
    }

    /** The body of a fetch as ModelsLab gets it: only the shared key. */
    byte[] fetchBody(String sharedKey) {
        return json.write(json.parseObject(new byte[0], true).put("key", sharedKey));
    }

    byte[] keyHash(ImageCall call, ObjectNode body) {
        JsonNode bodyKey = body.get("key");
        if (bodyKey != null && !bodyKey.isNull() && !bodyKey.isString()) {
            throw new GatewayException(ErrorCode.INVALID_KEY);
        }
        return authenticator.keyHash(call.bearerKey(), bodyKey == null || bodyKey.isNull() ? null : bodyKey.asString());
    }

    private static String idempotencyKey(String header) {
        if (header == null) {
            return null;
        }
        if (!IDEMPOTENCY_KEY_FORMAT.matcher(header).matches()) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST,
                    "The Idempotency-Key header must be 1 to 255 printable characters.");
        }
        return header;
    }

    private static String textOf(JsonNode node) {
        if (node == null || node.isNull() || !(node.isString() || node.isIntegralNumber())) {
            return null;
        }
        return node.asString();
    }

    /** An authenticated fetch; {@code generationId} is {@code null} when none was named. */
    record Fetch(Caller caller, String generationId) {
    }
}
