package com.example.gateway.tenant;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "api_key")
class ApiKey {

    @Id
    private UUID id;

    @Column(name = "tenant_id")
    private String tenantId;

    private String name;

    private String prefix;

    @Column(name = "key_hash")
    private byte[] keyHash;

    @Column(name = "created_at")
    private Instant createdAt;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    @Column(name = "monthly_budget_usd")
    private BigDecimal monthlyBudgetUsd;

    @Column(name = "requests_per_minute")
    private Integer requestsPerMinute;

    protected ApiKey() {
    }

    ApiKey(UUID id, String tenantId, String name, String prefix, byte[] keyHash, Instant createdAt) {
        this.id = id;
        this.tenantId = tenantId;
        this.name = name;
        this.prefix = prefix;
        this.keyHash = keyHash;
        this.createdAt = createdAt;
    }

    UUID getId() {
        return id;
    }

    String getTenantId() {
        return tenantId;
    }

    String getName() {
        return name;
    }

    String getPrefix() {
        return prefix;
    }

    Instant getCreatedAt() {
        return createdAt;
    }

    Instant getRevokedAt() {
        return revokedAt;
    }

    BigDecimal getMonthlyBudgetUsd() {
        return monthlyBudgetUsd;
    }

    Integer getRequestsPerMinute() {
        return requestsPerMinute;
    }

    /** The key's own limits, {@code null} for none; checked from the next call on, on every replica. */
    void changeLimits(BigDecimal monthlyBudgetUsd, Integer requestsPerMinute) {
        this.monthlyBudgetUsd = monthlyBudgetUsd;
        this.requestsPerMinute = requestsPerMinute;
    }

    void revoke(Instant now) {
        if (revokedAt == null) {
            revokedAt = now;
        }
    }
}
