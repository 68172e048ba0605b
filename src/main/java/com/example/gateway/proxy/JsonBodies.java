package com.example.gateway.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

/**
 * Reads request bodies under the size limit and parses JSON without losing what the client sent: numbers stay exact
 * (no double rounding), strings stay strings, field order is kept.
 */
@Component
class JsonBodies {

    static final int MAX_DEPTH = 64;

    private final JsonMapper mapper;
    private final int maxBodySize;

    JsonBodies(ProxyProperties properties) {
        JsonFactory factory = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
        this.mapper = JsonMapper.builder(factory)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
        this.maxBodySize = (int) properties.maxBodySize().toBytes();
    }

    /**
     * Reads the body, refusing more than the limit with 413 whatever else is wrong with it, and a body that cannot be
     * read (broken chunked encoding) with 400.
     */
    byte[] read(long declaredLength, InputStream in) {
        if (declaredLength > maxBodySize) {
            throw tooLarge();
        }
        try {
            byte[] body = in.readNBytes(maxBodySize + 1);
            if (body.length > maxBodySize) {
                throw tooLarge();
            }
            return body;
        }
        catch (IOException ex) {
            // The client's doing: a malformed chunk, an oversized trailer, a connection cut mid-body.
            throw invalid("The request body could not be read: malformed chunked encoding or an oversized trailer.");
        }
    }

    /** Parses a JSON object; anything else is a 400. An empty body is an empty object when {@code emptyAllowed}. */
    ObjectNode parseObject(byte[] body, boolean emptyAllowed) {
        if (body.length == 0 || isBlank(body)) {
            if (emptyAllowed) {
                return mapper.createObjectNode();
            }
            throw invalid("The request body must be a JSON object.");
        }
        JsonNode node;
        try {
            node = mapper.readTree(body);
        }
        catch (StreamConstraintsException ex) {
            throw invalid("The request body is nested deeper than " + MAX_DEPTH + " levels or has an oversized value.");
        }
        catch (JacksonException ex) {
            throw invalid("The request body is not valid JSON.");
        }
        if (!(node instanceof ObjectNode object)) {
            throw invalid("The request body must be a JSON object.");
        }
        return object;
    }

    /** Parses an upstream answer; {@code null} when it is not a JSON object. */
    ObjectNode parseAnswer(byte[] body) {
        try {
            return mapper.readTree(body) instanceof ObjectNode object ? object : null;
        }
        catch (JacksonException ex) {
            return null;
        }
    }

    byte[] write(JsonNode node) {
        return mapper.writeValueAsBytes(node);
    }

    byte[] write(Object value) {
        return mapper.writeValueAsBytes(value);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    private GatewayException tooLarge() {
        return new GatewayException(ErrorCode.PAYLOAD_TOO_LARGE,
                "The request body is larger than " + maxBodySize / 1024 + " KiB.");
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(ErrorCode.INVALID_REQUEST, message);
    }
}
