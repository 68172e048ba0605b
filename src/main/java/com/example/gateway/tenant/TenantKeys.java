package com.example.gateway.tenant;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import com.example.gateway.quota.QuotaLevels;
import com.example.gateway.quota.Spending;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.PositiveOrZero;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Issuing a tenant's keys, limiting them, and revoking them. */
@Service
public class TenantKeys {

    /** A key's own limits, checked with its tenant's in the one admission statement; {@code null} does not apply. */
    record KeyLimits(@Digits(integer = 10, fraction = 8) @DecimalMin("0") BigDecimal monthlyBudgetUsd,
            @PositiveOrZero Integer requestsPerMinute) {
    }

    private final ApiKeyRepository keys;
    private final TenantRepository tenants;
    private final KeyHasher hasher;
    private final QuotaLevels levels;
    private final TenantBodies bodies;
    private final Clock clock;

    TenantKeys(ApiKeyRepository keys, TenantRepository tenants, KeyHasher hasher, QuotaLevels levels,
            TenantBodies bodies, Clock clock) {
        this.keys = keys;
        this.tenants = tenants;
        this.hasher = hasher;
        this.levels = levels;
        this.bodies = bodies;
        this.clock = clock;
    }

    /** A new key; the answer is the only time it is shown. */
    @Transactional
    public KeyView create(String tenantId, TenantRequests.CreateKey request) {
        requireTenant(tenantId);
        String key = hasher.newKey();
        ApiKey apiKey = new ApiKey(UUID.randomUUID(), tenantId, request.name(), KeyHasher.prefixOf(key),
                hasher.hash(key), clock.instant());
        apiKey.changeLimits(request.monthlyBudgetUsd(), request.requestsPerMinute());
        keys.saveAndFlush(apiKey);
        levels.openKey(apiKey.getId());
        return view(apiKey, key, Spending.NONE);
    }

    /** A new key named {@code name}, without limits of its own; the answer is the only time it is shown. */
    @Transactional
    public KeyView create(String tenantId, String name) {
        return create(tenantId, new TenantRequests.CreateKey(name));
    }

    /** The tenant's keys, revoked ones included, with their limits and this month's spending; never the keys. */
    @Transactional(readOnly = true)
    public List<KeyView> list(String tenantId) {
        requireTenant(tenantId);
        List<ApiKey> found = keys.findByTenantIdOrderByCreatedAt(tenantId);
        Map<UUID, Spending> spending = levels.keySpending(found.stream().map(ApiKey::getId).toList());
        return found.stream().map(k -> view(k, null, spending.getOrDefault(k.getId(), Spending.NONE))).toList();
    }

    /**
     * Applies a JSON merge patch of the key's limits ({@code null} removes one), under the key row's lock so two
     * admins' changes both apply. A limit takes effect from the next call on, every replica at once.
     */
    @Transactional
    public KeyView update(String tenantId, UUID keyId, String body) {
        var patch = bodies.object(body);
        ApiKey key = keys.findForUpdate(keyId, tenantId).orElseThrow(TenantKeys::noSuchKey);
        KeyLimits changed = bodies.patched(keyId.toString(),
                new KeyLimits(key.getMonthlyBudgetUsd(), key.getRequestsPerMinute()), patch);
        key.changeLimits(changed.monthlyBudgetUsd(), changed.requestsPerMinute());
        keys.flush();
        return view(key, null, levels.keySpending(List.of(keyId)).getOrDefault(keyId, Spending.NONE));
    }

    /** Revokes the key; every replica refuses it from the next call on, since keys are not cached. */
    @Transactional
    public void revoke(String tenantId, UUID keyId) {
        keys.findByIdAndTenantId(keyId, tenantId).orElseThrow(TenantKeys::noSuchKey).revoke(clock.instant());
    }

    private void requireTenant(String tenantId) {
        if (!tenants.existsById(tenantId)) {
            throw new GatewayException(ErrorCode.NOT_FOUND, "No such tenant.");
        }
    }

    private static KeyView view(ApiKey k, String key, Spending spending) {
        return new KeyView(k.getId(), k.getName(), key, k.getPrefix(), k.getCreatedAt(), k.getRevokedAt(),
                k.getMonthlyBudgetUsd(), k.getRequestsPerMinute(), spending.spentUsd(), spending.reservedUsd(),
                spending.remainingOf(k.getMonthlyBudgetUsd()));
    }

    private static GatewayException noSuchKey() {
        return new GatewayException(ErrorCode.NOT_FOUND, "No such key for this tenant.");
    }
}
