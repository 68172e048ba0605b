package com.example.gateway.tenant;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import com.example.gateway.quota.QuotaService;
import com.example.gateway.quota.QuotaUsage;
import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Creating tenants and changing their limits and cost centre; their keys are {@link TenantKeys}'. */
@Service
public class TenantService {

    private final TenantRepository tenants;
    private final TenantKeys tenantKeys;
    private final CostCentreService costCentres;
    private final QuotaService quotas;
    private final Clock clock;
    private final TenantBodies bodies;

    TenantService(TenantRepository tenants, TenantKeys tenantKeys, CostCentreService costCentres, QuotaService quotas,
            Clock clock, TenantBodies bodies) {
        this.bodies = bodies;
        this.tenants = tenants;
        this.tenantKeys = tenantKeys;
        this.costCentres = costCentres;
        this.quotas = quotas;
        this.clock = clock;
    }

    @Transactional
    public TenantView create(String body) {
        return create(bodies.newTenant(bodies.object(body)));
    }

    private TenantView create(TenantBodies.NewTenant request) {
        costCentres.requireExists(request.limits().costCentre());
        Tenant tenant = new Tenant(request.id(), request.name(), request.limits(), clock.instant());
        try {
            tenants.saveAndFlush(tenant);
        }
        catch (DataIntegrityViolationException ex) {
            // Two creates of one id at the same time: the primary key decides, and the loser waits for the winner's
            // commit, so it answers 409 like any later duplicate rather than 500.
            if (isUniqueViolation(ex)) {
                throw new GatewayException(ErrorCode.CONFLICT, "A tenant with this id already exists.");
            }
            throw ex;
        }
        quotas.open(tenant.getId());
        return view(tenant, null);
    }

    @Transactional(readOnly = true)
    public TenantView get(String id) {
        Tenant tenant = find(id);
        return view(tenant, quotas.usage(id).orElse(null));
    }

    @Transactional(readOnly = true)
    public List<TenantView> list() {
        return tenants.findAll().stream().map(t -> view(t, null)).toList();
    }

    /**
     * Applies a JSON merge patch: a field absent stays as it is, a limit set to {@code null} is removed, and
     * {@code suspended} suspends or resumes the tenant. All of it is validated before anything changes.
     * <p>
     * The tenant's row is locked before it is read, so that two changes at the same time both apply, one after the
     * other: read without a lock, each would write back the other's field as it was, and a suspended tenant could
     * silently come back. Optimistic locking would refuse the second change with a 409 instead; admins change
     * different fields far more often than the same one, so waiting a few milliseconds is the better answer. The lock is
     * {@code FOR NO KEY UPDATE}: admission and settlement statements only read the tenant's row, and the key-share
     * locks that their inserts' foreign keys take do not conflict with it, so calls never wait for an admin.
     */
    @Transactional
    public TenantView update(String id, String body) {
        ObjectNode patch = bodies.object(body);
        Tenant tenant = tenants.findForUpdate(id).orElseThrow(TenantService::noSuchTenant);
        TenantBodies.Changes changes = bodies.changes(id, tenant.limits(), patch);
        Instant now = clock.instant();
        if (changes.name() != null) {
            tenant.rename(changes.name(), now);
        }
        if (Boolean.TRUE.equals(changes.suspended())) {
            tenant.suspend(now);
        }
        else if (Boolean.FALSE.equals(changes.suspended())) {
            tenant.resume(now);
        }
        if (!Objects.equals(changes.limits().costCentre(), tenant.limits().costCentre())) {
            costCentres.requireExists(changes.limits().costCentre());
        }
        if (!changes.limits().equals(tenant.limits())) {
            tenant.changeLimits(changes.limits(), now);
        }
        tenants.flush();
        return view(tenant, quotas.usage(id).orElse(null));
    }

    /** Creates a tenant with one key unless it exists; for the local demo. @return the new key, or null */
    @Transactional
    public String createIfAbsent(String id, String name, BigDecimal monthlyBudgetUsd) {
        if (tenants.existsById(id)) {
            return null;
        }
        create(new TenantBodies.NewTenant(id, name,
                new TenantLimits(monthlyBudgetUsd, null, null, null, null, null, null, null, null)));
        return tenantKeys.create(id, new TenantRequests.CreateKey("demo")).key();
    }

    private Tenant find(String id) {
        return tenants.findById(id).orElseThrow(TenantService::noSuchTenant);
    }

    private static GatewayException noSuchTenant() {
        return new GatewayException(ErrorCode.NOT_FOUND, "No such tenant.");
    }

    private static boolean isUniqueViolation(Throwable ex) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static TenantView view(Tenant t, QuotaUsage usage) {
        TenantLimits limits = t.limits();
        return new TenantView(t.getId(), t.getName(), limits.monthlyBudgetUsd(), limits.dailyRequestLimit(),
                limits.requestsPerMinute(), limits.maxConcurrent(), t.isSuspended(), limits.alertWebhookUrl(),
                limits.alertThresholds(), limits.costCentre(), limits.webhookAllowedHosts(), limits.upstreamShare(),
                t.getCreatedAt(),
                t.getUpdatedAt(),
                usage == null ? null : usage.spentUsd(), usage == null ? null : usage.reservedUsd(),
                usage == null ? null : usage.remainingUsd(), usage == null ? null : usage.callsToday(),
                usage == null ? null : usage.inFlight());
    }
}
