package com.example.gateway.proxy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

/**
 * Takes relay tokens out of answers. ModelsLab is given the gateway's callback URL as the call's {@code webhook}; should
 * it echo that (say, in {@code meta}), a tenant would learn the token and could post a made-up result, a {@code failed}
 * one earning a credit. As with the shared key, JSON's escapes mean the bytes alone cannot tell, so an answer that
 * mentions the callback path or holds any escape is parsed and its decoded strings are checked.
 */
@Component
class RelayTokenRedaction {

    private static final Pattern TOKEN = Pattern.compile("(/webhooks/modelslab/)[A-Za-z0-9_-]+");
    private static final byte[] MARKER = "modelslab/".getBytes(StandardCharsets.UTF_8);

    private final JsonBodies json;

    RelayTokenRedaction(JsonBodies json) {
        this.json = json;
    }

    /** @return {@code body} itself when it holds no callback URL, else a copy with the tokens redacted */
    byte[] redact(byte[] body) {
        if (!contains(body, MARKER) && !contains(body, new byte[] { '\\' })) {
            return body;
        }
        ObjectNode tree = json.parseAnswer(body);
        return tree != null && redact(tree) ? json.write(tree) : body;
    }

    private static boolean redact(JsonNode node) {
        boolean changed = false;
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> property : object.properties()) {
                JsonNode value = property.getValue();
                if (value.isString() && TOKEN.matcher(value.asString()).find()) {
                    // Replacing an existing property's value is no structural change to the map being iterated.
                    object.put(property.getKey(), redacted(value.asString()));
                    changed = true;
                }
                else {
                    changed |= redact(value);
                }
            }
        }
        else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode value = array.get(i);
                if (value.isString() && TOKEN.matcher(value.asString()).find()) {
                    array.set(i, redacted(value.asString()));
                    changed = true;
                }
                else {
                    changed |= redact(value);
                }
            }
        }
        return changed;
    }

    private static String redacted(String text) {
        return TOKEN.matcher(text).replaceAll("$1" + SharedKeyRedaction.REDACTED.replace("[", "\\[").replace("]", "\\]"));
    }

    private static boolean contains(byte[] body, byte[] part) {
        outer:
        for (int i = 0; i <= body.length - part.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (body[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
