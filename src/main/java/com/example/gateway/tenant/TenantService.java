package com.example.gateway.tenant;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

import com.example.gateway.quota.QuotaService;
import com.example.gateway.quota.QuotaUsage;
import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Creating tenants, changing their limits, and issuing and revoking their keys. */
@Service
public class TenantService {

    private final TenantRepository tenants;
    private final ApiKeyRepository keys;
    private final KeyHasher hasher;
    private final QuotaService quotas;
    private final Clock clock;

    TenantService(TenantRepository tenants, ApiKeyRepository keys, KeyHasher hasher, QuotaService quotas, Clock clock) {
        this.tenants = tenants;
        this.keys = keys;
        this.hasher = hasher;
        this.quotas = quotas;
        this.clock = clock;
    }

    @Transactional
    TenantView create(TenantRequests.CreateTenant request) {
        if (tenants.existsById(request.id())) {
            throw new GatewayException(ErrorCode.CONFLICT, "A tenant with this id already exists.");
        }
        Tenant tenant = new Tenant(request.id(), request.name(), clock.instant());
        tenant.setMonthlyBudgetUsd(request.monthlyBudgetUsd());
        tenant.setDailyRequestLimit(request.dailyRequestLimit());
        tenant.setRequestsPerMinute(request.requestsPerMinute());
        tenant.setMaxConcurrent(request.maxConcurrent());
        tenant.setAlertWebhookUrl(webhook(request.alertWebhookUrl()));
        if (request.alertThresholds() != null) {
            tenant.setAlertThresholds(request.alertThresholds().stream().distinct().sorted().toList());
        }
        tenants.saveAndFlush(tenant);
        quotas.open(tenant.getId());
        return view(tenant, null);
    }

    @Transactional(readOnly = true)
    TenantView get(String id) {
        Tenant tenant = find(id);
        return view(tenant, quotas.usage(id).orElse(null));
    }

    @Transactional(readOnly = true)
    List<TenantView> list() {
        return tenants.findAll().stream().map(t -> view(t, null)).toList();
    }

    /**
     * Applies the fields present in {@code patch}: a limit set to {@code null} is removed; {@code suspended} suspends
     * or resumes the tenant.
     */
    @Transactional
    TenantView update(String id, JsonNode patch) {
        Tenant tenant = find(id);
        if (!patch.isObject()) {
            throw invalid("The request body must be a JSON object.");
        }
        for (String field : patch.propertyNames()) {
            JsonNode value = patch.get(field);
            switch (field) {
                case "name" -> {
                    if (!value.isString() || value.asString().isBlank() || value.asString().length() > 200) {
                        throw invalid("The field 'name' must be a non-blank string of at most 200 characters.");
                    }
                    tenant.setName(value.asString());
                }
                case "monthlyBudgetUsd" -> tenant.setMonthlyBudgetUsd(money(field, value));
                case "dailyRequestLimit" -> tenant.setDailyRequestLimit(count(field, value));
                case "requestsPerMinute" -> tenant.setRequestsPerMinute(count(field, value));
                case "maxConcurrent" -> tenant.setMaxConcurrent(count(field, value));
                case "suspended" -> {
                    if (!value.isBoolean()) {
                        throw invalid("The field 'suspended' must be true or false.");
                    }
                    tenant.setSuspended(value.asBoolean());
                }
                case "alertWebhookUrl" -> {
                    if (!value.isNull() && !value.isString()) {
                        throw invalid("The field 'alertWebhookUrl' must be an http(s) URL or null.");
                    }
                    tenant.setAlertWebhookUrl(webhook(value.isNull() ? null : value.asString()));
                }
                case "alertThresholds" -> tenant.setAlertThresholds(thresholds(value));
                case "id" -> {
                    if (!value.isString() || !value.asString().equals(id)) {
                        throw invalid("The field 'id' cannot be changed.");
                    }
                }
                default -> throw invalid("Unknown field '" + field + "'.");
            }
        }
        tenant.touch(clock.instant());
        tenants.saveAndFlush(tenant);
        return view(tenant, quotas.usage(id).orElse(null));
    }

    @Transactional
    KeyView createKey(String tenantId, TenantRequests.CreateKey request) {
        find(tenantId);
        String key = hasher.newKey();
        ApiKey apiKey = new ApiKey(UUID.randomUUID(), tenantId, request.name(), KeyHasher.prefixOf(key),
                hasher.hash(key), clock.instant());
        keys.save(apiKey);
        return new KeyView(apiKey.getId(), apiKey.getName(), key, apiKey.getPrefix(), apiKey.getCreatedAt(), null);
    }

    @Transactional(readOnly = true)
    List<KeyView> listKeys(String tenantId) {
        find(tenantId);
        return keys.findByTenantIdOrderByCreatedAt(tenantId).stream()
            .map(k -> new KeyView(k.getId(), k.getName(), null, k.getPrefix(), k.getCreatedAt(), k.getRevokedAt()))
            .toList();
    }

    /** Revokes the key; every replica refuses it from the next call on, since keys are not cached. */
    @Transactional
    void revokeKey(String tenantId, UUID keyId) {
        ApiKey key = keys.findByIdAndTenantId(keyId, tenantId)
            .orElseThrow(() -> new GatewayException(ErrorCode.NOT_FOUND, "No such key for this tenant."));
        key.revoke(clock.instant());
    }

    /** Creates a tenant with one key unless it exists; for the local demo. @return the new key, or null */
    @Transactional
    public String createIfAbsent(String id, String name, BigDecimal monthlyBudgetUsd) {
        if (tenants.existsById(id)) {
            return null;
        }
        create(new TenantRequests.CreateTenant(id, name, monthlyBudgetUsd, null, null, null, null, null));
        return createKey(id, new TenantRequests.CreateKey("demo")).key();
    }

    private Tenant find(String id) {
        return tenants.findById(id)
            .orElseThrow(() -> new GatewayException(ErrorCode.NOT_FOUND, "No such tenant."));
    }

    private static TenantView view(Tenant t, QuotaUsage usage) {
        return new TenantView(t.getId(), t.getName(), t.getMonthlyBudgetUsd(), t.getDailyRequestLimit(),
                t.getRequestsPerMinute(), t.getMaxConcurrent(), t.isSuspended(), t.getAlertWebhookUrl(),
                t.getAlertThresholds(), t.getCreatedAt(), t.getUpdatedAt(),
                usage == null ? null : usage.spentUsd(), usage == null ? null : usage.reservedUsd(),
                usage == null ? null : usage.remainingUsd(), usage == null ? null : usage.callsToday(),
                usage == null ? null : usage.inFlight());
    }

    private static BigDecimal money(String field, JsonNode value) {
        if (value.isNull()) {
            return null;
        }
        try {
            BigDecimal amount = value.isNumber() ? value.decimalValue()
                    : value.isString() ? new BigDecimal(value.asString()) : null;
            if (amount != null && amount.signum() >= 0 && amount.scale() <= 8 && amount.precision() - amount.scale() <= 10) {
                return amount;
            }
        }
        catch (NumberFormatException ex) {
            // falls through to the error below
        }
        throw invalid("The field '" + field + "' must be a non-negative amount in USD.");
    }

    private static String webhook(String url) {
        if (url == null) {
            return null;
        }
        try {
            java.net.URI uri = new java.net.URI(url);
            if (url.length() <= 2000 && uri.isAbsolute() && uri.getHost() != null
                    && ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                return url;
            }
        }
        catch (java.net.URISyntaxException ex) {
            // falls through to the error below
        }
        throw invalid("The field 'alertWebhookUrl' must be an absolute http(s) URL.");
    }

    private static List<Integer> thresholds(JsonNode value) {
        java.util.TreeSet<Integer> thresholds = new java.util.TreeSet<>();
        if (value.isArray() && !value.isEmpty() && value.size() <= 10) {
            for (JsonNode item : value) {
                if (!item.isIntegralNumber() || !item.canConvertToInt() || item.asInt() < 1 || item.asInt() > 1000) {
                    thresholds.clear();
                    break;
                }
                thresholds.add(item.asInt());
            }
        }
        if (thresholds.isEmpty()) {
            throw invalid("The field 'alertThresholds' must be 1 to 10 whole percentages between 1 and 1000.");
        }
        return List.copyOf(thresholds);
    }

    private static Integer count(String field, JsonNode value) {
        if (value.isNull()) {
            return null;
        }
        if (value.isIntegralNumber() && value.canConvertToInt() && value.asInt() >= 0) {
            return value.asInt();
        }
        throw invalid("The field '" + field + "' must be a non-negative whole number or null.");
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(ErrorCode.INVALID_REQUEST, message);
    }
}
