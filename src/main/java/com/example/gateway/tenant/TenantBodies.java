package com.example.gateway.tenant;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import com.example.gateway.outbound.OutboundTargets;
import com.example.gateway.outbound.RefusedTarget;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

/**
 * Turns admin request bodies into validated values, the same way for creating a tenant and for changing one: a change
 * is a JSON merge patch (RFC 7396) of the tenant's current {@link TenantLimits}, bound and validated as a whole, so the
 * two can never disagree on what a valid limit is. Every refusal is a 400 {@code invalid_request} naming the field,
 * thrown before anything changes.
 */
@Component
class TenantBodies {

    private static final Set<String> LIMITS = Arrays.stream(TenantLimits.class.getRecordComponents())
        .map(component -> component.getName())
        .collect(Collectors.toUnmodifiableSet());

    /** What a field must be when its JSON type is wrong, by field. */
    private static final Map<String, String> SHAPES = Map.ofEntries(
            Map.entry("id", "must be 1 to 64 of a-z, 0-9 and -"),
            Map.entry("name", "must be a non-blank string of at most 200 characters"),
            Map.entry("monthlyBudgetUsd", "must be a non-negative amount in USD or null"),
            Map.entry("dailyRequestLimit", "must be a non-negative whole number or null"),
            Map.entry("requestsPerMinute", "must be a non-negative whole number or null"),
            Map.entry("maxConcurrent", "must be a non-negative whole number or null"),
            Map.entry("alertWebhookUrl", "must be an http(s) URL or null"),
            Map.entry("alertThresholds",
                    "must be 1 to 10 whole percentages between 1 and 1000, or null for 80 and 100"),
            Map.entry("costCentre", "must be the id of a cost centre or null"),
            Map.entry("webhookAllowedHosts",
                    "must be at most 50 host names (or *.name for subdomains), or null for any host"),
            Map.entry("upstreamShare", "must be a whole number from 1 to 1000, or null for 1"));

    private final JsonMapper json;
    private final ObjectReader trees;
    private final ObjectReader limits;
    private final ObjectReader namings;
    private final Validator validator;
    private final OutboundTargets targets;

    TenantBodies(JsonMapper json, Validator validator, OutboundTargets targets) {
        this.json = json;
        // Money stays exact: parsed as a double, 1234567890.12345678 would lose its last digits.
        this.trees = json.readerFor(JsonNode.class).with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        // 1.5 concurrent calls is a mistake to answer, not to round down to 1.
        this.limits = json.readerFor(TenantLimits.class).without(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.namings = json.readerFor(TenantRequests.Naming.class)
            .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.validator = validator;
        this.targets = targets;
    }

    record NewTenant(String id, String name, TenantLimits limits) {
    }

    /** @param name the new name, or {@code null} to keep it; @param suspended likewise */
    record Changes(String name, Boolean suspended, TenantLimits limits) {
    }

    /** The body as a JSON object, or 400. */
    ObjectNode object(String body) {
        JsonNode tree;
        try {
            tree = body == null ? null : trees.readTree(body);
        }
        catch (JacksonException ex) {
            tree = null;
        }
        if (tree instanceof ObjectNode object) {
            return object;
        }
        throw invalid("The request body must be a JSON object.");
    }

    NewTenant newTenant(ObjectNode body) {
        ObjectNode naming = json.createObjectNode();
        for (String field : body.propertyNames()) {
            if (field.equals("id") || field.equals("name")) {
                naming.set(field, body.get(field));
            }
            else if (!LIMITS.contains(field)) {
                throw invalid("Unknown field '" + field + "'.");
            }
        }
        TenantRequests.Naming named = valid(bind(namings, naming));
        return new NewTenant(named.id(), named.name(), limits(TenantLimits.NONE, body));
    }

    /**
     * @param id the tenant's id, which the patch may repeat but not change
     * @param current the tenant's limits now; read under the lock that the change is written under, or a concurrent
     * change to another field would be lost
     */
    Changes changes(String id, TenantLimits current, ObjectNode patch) {
        String name = null;
        Boolean suspended = null;
        for (String field : patch.propertyNames()) {
            JsonNode value = patch.get(field);
            switch (field) {
                case "id" -> {
                    if (!value.isString() || !value.asString().equals(id)) {
                        throw invalid("The field 'id' cannot be changed.");
                    }
                }
                case "name" -> {
                    if (!value.isString() && !value.isNull()) {
                        throw invalid("Invalid field 'name' " + SHAPES.get("name") + ".");
                    }
                    name = value.isNull() ? null : value.asString();
                    refuseViolations(validator.validateValue(TenantRequests.Naming.class, "name", name));
                }
                case "suspended" -> {
                    if (!value.isBoolean()) {
                        throw invalid("The field 'suspended' must be true or false.");
                    }
                    suspended = value.asBoolean();
                }
                default -> {
                    if (!LIMITS.contains(field)) {
                        throw invalid("Unknown field '" + field + "'.");
                    }
                }
            }
        }
        return new Changes(name, suspended, limits(current, patch));
    }

    /** {@code current} with the limit fields of {@code patch} merged in: absent keeps, {@code null} removes. */
    private TenantLimits limits(TenantLimits current, ObjectNode patch) {
        // Through JSON text, not valueToTree: the gateway's money serializer writes exact decimals as text.
        ObjectNode merged = (ObjectNode) trees.readTree(json.writeValueAsString(current));
        for (String field : patch.propertyNames()) {
            if (LIMITS.contains(field)) {
                merged.set(field, patch.get(field));
            }
        }
        TenantLimits changed = valid(bind(limits, merged));
        if (patch.has("alertWebhookUrl") && changed.alertWebhookUrl() != null) {
            try {
                targets.check(changed.alertWebhookUrl());
            }
            catch (RefusedTarget ex) {
                throw invalid("Invalid field 'alertWebhookUrl' " + ex.getMessage() + ".");
            }
        }
        return changed;
    }

    /**
     * {@code current} with {@code patch} merged in (RFC 7396: absent keeps, {@code null} removes), bound and validated
     * as a whole, like a tenant's limits. The patch may repeat {@code id} but not change it.
     */
    <T extends Record> T patched(String id, T current, ObjectNode patch) {
        Set<String> fields = Arrays.stream(current.getClass().getRecordComponents())
            .map(component -> component.getName())
            .collect(Collectors.toUnmodifiableSet());
        ObjectNode merged = (ObjectNode) trees.readTree(json.writeValueAsString(current));
        for (String field : patch.propertyNames()) {
            if (field.equals("id")) {
                if (!patch.get(field).isString() || !patch.get(field).asString().equals(id)) {
                    throw invalid("The field 'id' cannot be changed.");
                }
            }
            else if (!fields.contains(field)) {
                throw invalid("Unknown field '" + field + "'.");
            }
            else {
                merged.set(field, patch.get(field));
            }
        }
        @SuppressWarnings("unchecked")
        T changed = (T) bind(json.readerFor(current.getClass()).without(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES), merged);
        return valid(changed);
    }

    private static <T> T bind(ObjectReader reader, JsonNode tree) {
        try {
            return reader.readValue(tree);
        }
        catch (JacksonException ex) {
            String field = ex.getPath().isEmpty() ? null : ex.getPath().getFirst().getPropertyName();
            if (field == null || !SHAPES.containsKey(field)) {
                throw invalid("The request body has a field of the wrong type.");
            }
            throw invalid("Invalid field '" + field + "' " + SHAPES.get(field) + ".");
        }
    }

    private <T> T valid(T value) {
        refuseViolations(validator.validate(value));
        return value;
    }

    private static <T> void refuseViolations(Set<ConstraintViolation<T>> violations) {
        if (violations.isEmpty()) {
            return;
        }
        // The first node is the field of the body: alertThresholds[2].<list element> is about 'alertThresholds'.
        Set<String> fields = new TreeSet<>();
        for (ConstraintViolation<T> violation : violations) {
            fields.add("'" + violation.getPropertyPath().iterator().next().getName() + "' " + violation.getMessage());
        }
        throw invalid("Invalid field " + String.join(", ", fields) + ".");
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(ErrorCode.INVALID_REQUEST, message);
    }
}
