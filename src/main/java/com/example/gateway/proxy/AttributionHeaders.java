package com.example.gateway.proxy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import com.example.gateway.quota.Attribution;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads who a call is billed to below its tenant: {@code X-Gateway-Project}, {@code X-Gateway-Tags} ({@code k=v,k2=v2})
 * and the body's own {@code track_id}. An invalid header is a 400 naming it, before anything is reserved or forwarded;
 * the headers are the gateway's and never reach ModelsLab ({@code track_id} does, as part of the body).
 */
final class AttributionHeaders {

    static final String PROJECT = "X-Gateway-Project";
    static final String TAGS = "X-Gateway-Tags";

    static final String PROJECT_DESCRIPTION = "Optional: the project the call is billed to in reports, 1 to 64 of "
            + "a-z, 0-9, '.', '_' and '-'. Never sent to ModelsLab.";
    static final String TAGS_DESCRIPTION = "Optional: up to 10 tags for reports, as k=v,k2=v2; keys and values 1 to "
            + "64 of a-z, 0-9, '.', '_' and '-'. Never sent to ModelsLab.";

    private static final Pattern NAME = Pattern.compile("[a-z0-9._-]{1,64}");
    private static final int MAX_TAGS = 10;
    /** The ledger's column; a longer track_id is recorded cut to it (and forwarded whole). */
    private static final int MAX_TRACK_ID = 255;

    private AttributionHeaders() {
    }

    /**
     * @param project the {@code X-Gateway-Project} header, or {@code null}; several headers arrive joined by commas
     * @param tags the {@code X-Gateway-Tags} header, or {@code null}
     */
    static Attribution read(String project, String tags, ObjectNode body) {
        if (project != null && !NAME.matcher(project).matches()) {
            throw invalid("The " + PROJECT + " header must be 1 to 64 of a-z, 0-9, '.', '_' and '-'.");
        }
        return new Attribution(project, tags == null ? Map.of() : tags(tags), trackId(body.get("track_id")));
    }

    private static Map<String, String> tags(String header) {
        String[] pairs = header.split(",", -1);
        if (pairs.length > MAX_TAGS) {
            throw invalid("The " + TAGS + " header may carry at most " + MAX_TAGS + " tags.");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (String pair : pairs) {
            String[] keyValue = pair.strip().split("=", -1);
            if (keyValue.length != 2 || !NAME.matcher(keyValue[0]).matches() || !NAME.matcher(keyValue[1]).matches()) {
                throw invalid("The " + TAGS + " header must be k=v pairs separated by commas; keys and values 1 to "
                        + "64 of a-z, 0-9, '.', '_' and '-'.");
            }
            if (tags.putIfAbsent(keyValue[0], keyValue[1]) != null) {
                throw invalid("The " + TAGS + " header names the tag '" + keyValue[0] + "' twice.");
            }
        }
        return tags;
    }

    /** ModelsLab takes a string or a number; anything else is ModelsLab's to judge, and not recorded. */
    private static String trackId(JsonNode trackId) {
        if (trackId == null || !(trackId.isString() || trackId.isNumber())) {
            return null;
        }
        String text = trackId.asString();
        return text.length() > MAX_TRACK_ID ? text.substring(0, MAX_TRACK_ID) : text;
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(ErrorCode.INVALID_REQUEST, message);
    }
}
