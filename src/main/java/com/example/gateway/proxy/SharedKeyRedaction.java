package com.example.gateway.proxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

import org.springframework.stereotype.Component;

/**
 * Takes the shared ModelsLab key out of an answer before a client sees it. Matching the raw bytes is not enough: JSON
 * lets the same string be written in many ways (<code>&#92;u0041</code> for {@code A}, {@code \/} for {@code /}), and a client
 * decodes them all. So the answer is parsed and every decoded name and value is checked, at any depth.
 */
@Component
class SharedKeyRedaction {

    static final String REDACTED = "[redacted]";
    private static final byte[] UNREADABLE = "{\"status\":\"error\",\"message\":\"[redacted]\"}"
        .getBytes(StandardCharsets.UTF_8);

    private final JsonBodies json;

    SharedKeyRedaction(JsonBodies json) {
        this.json = json;
    }

    /** @return {@code body} itself when it holds no form of {@code key}, else a copy without it */
    byte[] redact(byte[] body, String key) {
        byte[] raw = key.getBytes(StandardCharsets.UTF_8);
        // Without a backslash every JSON string reads as it is written, so the raw bytes tell.
        if (indexOf(body, raw) < 0 && indexOf(body, "\\".getBytes(StandardCharsets.UTF_8)) < 0) {
            return body;
        }
        ObjectNode tree = json.parseAnswer(body);
        if (tree == null) {
            // Not reached: every answer the gateway gives is a JSON object. Should one not be, it goes blank.
            return unescaped(new String(body, StandardCharsets.UTF_8)).contains(key) ? UNREADABLE : body;
        }
        return redact(tree, key) ? json.write(tree) : body;
    }

    /** Redacts {@code node}'s names and values in place; {@code true} when it changed anything. */
    private static boolean redact(JsonNode node, String key) {
        boolean changed = false;
        if (node instanceof ObjectNode object) {
            List<Map.Entry<String, JsonNode>> properties = new ArrayList<>(object.properties());
            boolean renamed = properties.stream().anyMatch(property -> property.getKey().contains(key));
            if (renamed) {
                object.removeAll();
            }
            for (Map.Entry<String, JsonNode> property : properties) {
                JsonNode value = property.getValue();
                JsonNode replaced = replacement(value, key);
                changed |= replaced != value || redact(value, key);
                if (renamed || replaced != value) {
                    object.set(property.getKey().replace(key, REDACTED), replaced);
                }
            }
            return changed || renamed;
        }
        if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode value = array.get(i);
                JsonNode replaced = replacement(value, key);
                if (replaced != value) {
                    array.set(i, replaced);
                    changed = true;
                }
                else {
                    changed |= redact(value, key);
                }
            }
        }
        return changed;
    }

    /** A string or number holding the key, redacted; any other node itself. */
    private static JsonNode replacement(JsonNode value, String key) {
        if ((value.isString() || value.isNumber()) && value.asString().contains(key)) {
            return value.isString() ? StringNode.valueOf(value.asString().replace(key, REDACTED))
                    : StringNode.valueOf(REDACTED);
        }
        return value;
    }

    /** The text with JSON's string escapes decoded, for the check of a body that does not parse. */
    static String unescaped(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 == text.length()) {
                out.append(c);
                continue;
            }
            char escaped = text.charAt(++i);
            switch (escaped) {
                case 'u' -> {
                    if (i + 4 < text.length() && text.substring(i + 1, i + 5).matches("[0-9a-fA-F]{4}")) {
                        out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                    else {
                        out.append('\\').append(escaped);
                    }
                }
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                default -> out.append(escaped);
            }
        }
        return out.toString();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
