package com.example.gateway.tenant;

import java.util.List;
import java.util.UUID;

import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import tools.jackson.databind.JsonNode;

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

    TenantAdminController(TenantService tenants) {
        this.tenants = tenants;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @ApiResponse(responseCode = "409", description = "`conflict`: a tenant with this id already exists")
    TenantView create(@Valid @RequestBody TenantRequests.CreateTenant request) {
        return tenants.create(request);
    }

    @GetMapping
    List<TenantView> list() {
        return tenants.list();
    }

    @GetMapping("/{id}")
    TenantView get(@PathVariable String id) {
        return tenants.get(id);
    }

    @PatchMapping("/{id}")
    TenantView update(@PathVariable String id, @RequestBody JsonNode patch) {
        return tenants.update(id, patch);
    }

    @PostMapping("/{id}/keys")
    @ResponseStatus(HttpStatus.CREATED)
    KeyView createKey(@PathVariable String id, @Valid @RequestBody TenantRequests.CreateKey request) {
        return tenants.createKey(id, request);
    }

    @GetMapping("/{id}/keys")
    List<KeyView> listKeys(@PathVariable String id) {
        return tenants.listKeys(id);
    }

    @DeleteMapping("/{id}/keys/{keyId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revokeKey(@PathVariable String id, @PathVariable UUID keyId) {
        tenants.revokeKey(id, keyId);
    }
}
