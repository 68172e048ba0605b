package com.example.gateway.tenant;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;

import org.springframework.data.domain.Persistable;

/**
 * A tenant and its limits. Changed only through its intent methods, each of which records when it was changed.
 * <p>
 * {@link Persistable} so that saving a new tenant always INSERTs: with an assigned id, Spring Data would otherwise merge,
 * and a second create of the same id that raced the first would silently overwrite it instead of failing on the
 * primary key.
 */
@Entity
@Table(name = "tenant")
class Tenant implements Persistable<String> {

    @Id
    private String id;

    private String name;

    @Column(name = "monthly_budget_usd")
    private BigDecimal monthlyBudgetUsd;

    @Column(name = "daily_request_limit")
    private Integer dailyRequestLimit;

    @Column(name = "requests_per_minute")
    private Integer requestsPerMinute;

    @Column(name = "max_concurrent")
    private Integer maxConcurrent;

    private boolean suspended;

    @Column(name = "alert_webhook_url")
    private String alertWebhookUrl;

    @Column(name = "alert_thresholds")
    private Integer[] alertThresholds;

    @Column(name = "cost_centre_id")
    private String costCentreId;

    @Column(name = "webhook_allowed_hosts")
    private String[] webhookAllowedHosts;

    @Column(name = "upstream_share")
    private int upstreamShare;

    @Column(name = "created_at")
    private Instant createdAt;

    @Column(name = "updated_at")
    private Instant updatedAt;

    @Transient
    private boolean isNew;

    protected Tenant() {
    }

    Tenant(String id, String name, TenantLimits limits, Instant now) {
        this.id = id;
        this.name = name;
        this.createdAt = now;
        this.isNew = true;
        changeLimits(limits, now);
    }

    void rename(String name, Instant now) {
        this.name = name;
        this.updatedAt = now;
    }

    /** Refuses the tenant's calls from the next one on, on every replica (the key lookup reads this flag). */
    void suspend(Instant now) {
        this.suspended = true;
        this.updatedAt = now;
    }

    void resume(Instant now) {
        this.suspended = false;
        this.updatedAt = now;
    }

    /**
     * Lowering the budget below what is already spent and reserved refuses new calls at once; calls in flight still
     * settle at their exact cost, since they were admitted and forwarded. A new cost centre counts the calls admitted
     * from now on; calls in flight stay with the one they were admitted under.
     */
    void changeLimits(TenantLimits limits, Instant now) {
        this.monthlyBudgetUsd = limits.monthlyBudgetUsd();
        this.dailyRequestLimit = limits.dailyRequestLimit();
        this.requestsPerMinute = limits.requestsPerMinute();
        this.maxConcurrent = limits.maxConcurrent();
        this.alertWebhookUrl = limits.alertWebhookUrl();
        this.alertThresholds = limits.alertThresholds().toArray(Integer[]::new);
        this.costCentreId = limits.costCentre();
        this.webhookAllowedHosts = limits.webhookAllowedHosts() == null ? null
                : limits.webhookAllowedHosts().toArray(String[]::new);
        this.upstreamShare = limits.upstreamShare();
        this.updatedAt = now;
    }

    TenantLimits limits() {
        return new TenantLimits(monthlyBudgetUsd, dailyRequestLimit, requestsPerMinute, maxConcurrent, alertWebhookUrl,
                List.of(alertThresholds), costCentreId,
                webhookAllowedHosts == null ? null : List.of(webhookAllowedHosts), upstreamShare);
    }

    @Override
    public String getId() {
        return id;
    }

    String getName() {
        return name;
    }

    boolean isSuspended() {
        return suspended;
    }

    Instant getCreatedAt() {
        return createdAt;
    }

    Instant getUpdatedAt() {
        return updatedAt;
    }

    @Override
    public boolean isNew() {
        return isNew;
    }

    @PostLoad
    @PostPersist
    void markStored() {
        this.isNew = false;
    }
}
