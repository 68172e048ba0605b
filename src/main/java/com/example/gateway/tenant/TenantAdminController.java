package com.example.gateway.tenant;

import java.util.List;
import java.util.UUID;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.SchemaProperty;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Tenant administration; the admin token guards everything under {@code /admin}. */
@RestController
@RequestMapping("/admin/tenants")
@Tag(name = "Admin: tenants", description = "Tenants, their limits and their keys")
class TenantAdminController {

    private final TenantService tenants;
    private final TenantKeys keys;

    TenantAdminController(TenantService tenants, TenantKeys keys) {
        this.tenants = tenants;
        this.keys = keys;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a tenant with its limits",
            description = "Limits left out or null are unlimited. Money comes as a JSON string or number and is "
                    + "kept exact. The tenant has no key yet: create one with POST /admin/tenants/{id}/keys.")
    @ApiResponse(responseCode = "409", description = "`conflict`: a tenant with this id already exists")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
            mediaType = "application/json", schema = @Schema(type = "object"), schemaProperties = {
                @SchemaProperty(name = "id", schema = @Schema(type = "string", pattern = "[a-z0-9-]{1,64}")),
                @SchemaProperty(name = "name", schema = @Schema(type = "string", maxLength = 200)),
                @SchemaProperty(name = "monthlyBudgetUsd", schema = @Schema(types = { "string", "number", "null" },
                        description = "USD, as a string or a number, kept exact; at most 10 digits and 8 decimals")),
                @SchemaProperty(name = "dailyRequestLimit", schema = @Schema(types = { "integer", "null" })),
                @SchemaProperty(name = "requestsPerMinute", schema = @Schema(types = { "integer", "null" })),
                @SchemaProperty(name = "maxConcurrent", schema = @Schema(types = { "integer", "null" })),
                @SchemaProperty(name = "alertWebhookUrl", schema = @Schema(types = { "string", "null" },
                        description = "Where budget alerts are POSTed, a public http(s) URL")),
                @SchemaProperty(name = "webhookAllowedHosts", array = @ArraySchema(maxItems = 50,
                        arraySchema = @Schema(description = "Hosts the tenant's generation webhooks may point at "
                                + "(*.name for subdomains); null allows any public host"),
                        schema = @Schema(type = "string", maxLength = 253))),
                @SchemaProperty(name = "alertThresholds", array = @ArraySchema(minItems = 1, maxItems = 10,
                        schema = @Schema(type = "integer", minimum = "1", maximum = "1000"))),
                @SchemaProperty(name = "costCentre", schema = @Schema(types = { "string", "null" },
                        description = "The id of the cost centre whose budget the tenant's calls also count "
                                + "against")) }))
    TenantView create(@RequestBody String body) {
        return tenants.create(body);
    }

    @GetMapping
    @Operation(summary = "List all tenants with their limits",
            description = "This month's usage is left out here; GET /admin/tenants/{id} gives it for one tenant.")
    List<TenantView> list() {
        return tenants.list();
    }

    @GetMapping("/{id}")
    @Operation(summary = "Get a tenant: its limits and this month's usage")
    TenantView get(@PathVariable String id) {
        return tenants.get(id);
    }

    @PatchMapping("/{id}")
    @Operation(summary = "Change a tenant's limits, suspension or budget alerts",
            description = "Only the fields sent change; null removes a limit or the webhook. An unknown field, or "
                    + "an attempt to change id, is refused with 400.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
            mediaType = "application/json", schema = @Schema(type = "object"), schemaProperties = {
                @SchemaProperty(name = "name", schema = @Schema(type = "string", maxLength = 200)),
                @SchemaProperty(name = "monthlyBudgetUsd", schema = @Schema(types = { "string", "number", "null" },
                        description = "USD, as a string or a number, kept exact")),
                @SchemaProperty(name = "dailyRequestLimit", schema = @Schema(types = { "integer", "null" })),
                @SchemaProperty(name = "requestsPerMinute", schema = @Schema(types = { "integer", "null" })),
                @SchemaProperty(name = "maxConcurrent", schema = @Schema(types = { "integer", "null" })),
                @SchemaProperty(name = "suspended", schema = @Schema(type = "boolean",
                        description = "true refuses the tenant's calls from the next one on")),
                @SchemaProperty(name = "alertWebhookUrl", schema = @Schema(types = { "string", "null" },
                        description = "Where budget alerts are POSTed, an http(s) URL")),
                @SchemaProperty(name = "webhookAllowedHosts", array = @ArraySchema(maxItems = 50,
                        arraySchema = @Schema(description = "Hosts the tenant's generation webhooks may point at "
                                + "(*.name for subdomains); null allows any public host"),
                        schema = @Schema(type = "string", maxLength = 253))),
                @SchemaProperty(name = "alertThresholds", array = @ArraySchema(minItems = 1, maxItems = 10,
                        arraySchema = @Schema(description = "Percentages of the monthly budget that send an alert "
                                + "when crossed; 80 and 100 by default"),
                        schema = @Schema(type = "integer", minimum = "1", maximum = "1000"))),
                @SchemaProperty(name = "costCentre", schema = @Schema(types = { "string", "null" },
                        description = "Moves the tenant to this cost centre (null: none) from its next call on; "
                                + "calls in flight and spending so far stay with the one they were admitted "
                                + "under")) }))
    TenantView update(@PathVariable String id, @RequestBody String patch) {
        return tenants.update(id, patch);
    }

    @PostMapping("/{id}/keys")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a key for a tenant, optionally with its own limits",
            description = "The answer's key is the only time the key is shown; the gateway keeps only its hash. "
                    + "monthlyBudgetUsd and requestsPerMinute limit the key itself, checked with the tenant's (and "
                    + "its cost centre's) limits in the same atomic admission step; a call over them gets 402 "
                    + "budget_exhausted or 429 rate_limited, the message naming the key.")
    KeyView createKey(@PathVariable String id, @Valid @RequestBody TenantRequests.CreateKey request) {
        return keys.create(id, request);
    }

    @GetMapping("/{id}/keys")
    @Operation(summary = "List a tenant's keys with their limits and this month's spending, never the keys themselves",
            description = "Revoked keys included. spentUsd is this UTC month's cost of the key's calls, reservedUsd "
                    + "what its calls in flight hold, remainingUsd what its own budget leaves (null without one).")
    List<KeyView> listKeys(@PathVariable String id) {
        return keys.list(id);
    }

    @PatchMapping("/{id}/keys/{keyId}")
    @Operation(summary = "Change a key's own limits",
            description = "A JSON merge patch: only the fields sent change; null removes a limit. Takes effect from "
                    + "the next call on, on every replica.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
            mediaType = "application/json", schema = @Schema(type = "object"), schemaProperties = {
                @SchemaProperty(name = "monthlyBudgetUsd", schema = @Schema(types = { "string", "number", "null" },
                        description = "USD, as a string or a number, kept exact")),
                @SchemaProperty(name = "requestsPerMinute", schema = @Schema(types = { "integer", "null" })) }))
    KeyView updateKey(@PathVariable String id, @PathVariable UUID keyId, @RequestBody String patch) {
        return keys.update(id, keyId, patch);
    }

    @DeleteMapping("/{id}/keys/{keyId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Revoke a key", description = "Every replica refuses it from the next call on: keys are not "
            + "cached.")
    void revokeKey(@PathVariable String id, @PathVariable UUID keyId) {
        keys.revoke(id, keyId);
    }
}
