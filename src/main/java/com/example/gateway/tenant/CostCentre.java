package com.example.gateway.tenant;

import java.math.BigDecimal;
import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;

import org.springframework.data.domain.Persistable;

/**
 * A cost centre: the level above tenants, a monthly budget that the tenants in it share. {@link Persistable} for the
 * same reason as {@link Tenant}: a duplicate create must fail on the primary key, not merge.
 */
@Entity
@Table(name = "cost_centre")
class CostCentre implements Persistable<String> {

    @Id
    private String id;

    private String name;

    @Column(name = "monthly_budget_usd")
    private BigDecimal monthlyBudgetUsd;

    @Column(name = "created_at")
    private Instant createdAt;

    @Column(name = "updated_at")
    private Instant updatedAt;

    @Transient
    private boolean isNew;

    protected CostCentre() {
    }

    CostCentre(String id, String name, BigDecimal monthlyBudgetUsd, Instant now) {
        this.id = id;
        this.name = name;
        this.monthlyBudgetUsd = monthlyBudgetUsd;
        this.createdAt = now;
        this.updatedAt = now;
        this.isNew = true;
    }

    void rename(String name, Instant now) {
        this.name = name;
        this.updatedAt = now;
    }

    /** A budget below what is spent and reserved refuses new calls at once; calls in flight still settle. */
    void changeBudget(BigDecimal monthlyBudgetUsd, Instant now) {
        this.monthlyBudgetUsd = monthlyBudgetUsd;
        this.updatedAt = now;
    }

    @Override
    public String getId() {
        return id;
    }

    String getName() {
        return name;
    }

    BigDecimal getMonthlyBudgetUsd() {
        return monthlyBudgetUsd;
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
