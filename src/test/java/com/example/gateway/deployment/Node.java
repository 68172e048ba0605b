package com.example.gateway.deployment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A read-only view of a parsed YAML or JSON tree. A path that is not there gives a missing node rather than an
 * exception, so a test can say what it expects to find and fail with its own message.
 */
record Node(Object value) {

    Node get(String... path) {
        Object current = value;
        for (String key : path) {
            current = current instanceof Map<?, ?> map ? map.get(key) : null;
        }
        return new Node(current);
    }

    boolean exists() {
        return value != null;
    }

    List<Node> list(String... path) {
        return get(path).value instanceof List<?> items ? items.stream().map(Node::new).toList() : List.of();
    }

    Map<String, Node> entries(String... path) {
        Map<String, Node> entries = new LinkedHashMap<>();
        if (get(path).value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> entries.put(String.valueOf(key), new Node(item)));
        }
        return entries;
    }

    /** The entries of a map of scalars, such as labels or a ConfigMap's data, as strings. */
    Map<String, String> strings(String... path) {
        Map<String, String> strings = new LinkedHashMap<>();
        entries(path).forEach((key, item) -> strings.put(key, item.text()));
        return strings;
    }

    /** The scalar at the path as a string, or {@code null} when it is missing. */
    String text(String... path) {
        Object scalar = get(path).value;
        return scalar == null ? null : String.valueOf(scalar);
    }

    int integer(String... path) {
        return Integer.parseInt(text(path));
    }

    String kind() {
        return text("kind");
    }

    String name() {
        return text("metadata", "name");
    }

    @Override
    public String toString() {
        return String.valueOf(value);
    }
}
