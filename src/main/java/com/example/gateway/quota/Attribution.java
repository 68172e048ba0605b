package com.example.gateway.quota;

import java.util.Map;

/**
 * Who a call is billed to below its tenant, as the client said: a project ({@code X-Gateway-Project}), tags
 * ({@code X-Gateway-Tags}) and ModelsLab's own {@code track_id}. Recorded on the call's reservation and ledger row for
 * reports; never a limit, a metric tag or a log field.
 * @param tags in the order sent; empty when none
 */
public record Attribution(String project, Map<String, String> tags, String trackId) {

    public static final Attribution NONE = new Attribution(null, Map.of(), null);

    public Attribution {
        tags = Map.copyOf(tags);
    }

    /** The tags' keys and, in {@link #tagValues()}, their values, in one order: two text arrays for SQL. */
    public String[] tagKeys() {
        return tags.keySet().toArray(String[]::new);
    }

    public String[] tagValues() {
        return tags.keySet().stream().map(tags::get).toArray(String[]::new);
    }
}
