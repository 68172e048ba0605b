package com.example.gateway.tenant;

import java.math.BigDecimal;
import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "tenant")
class Tenant {

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
    private Integer[] alertThresholds = { 80, 100 };

    @Column(name = "created_at")
    private Instant createdAt;

    @Column(name = "updated_at")
    private Instant updatedAt;

    protected Tenant() {
    }

    Tenant(String id, String name, Instant now) {
        this.id = id;
        this.name = name;
        this.createdAt = now;
        this.updatedAt = now;
    }

    String getId() {
        return id;
    }

    String getName() {
        return name;
    }

    void setName(String name) {
        this.name = name;
    }

    BigDecimal getMonthlyBudgetUsd() {
        return monthlyBudgetUsd;
    }

    void setMonthlyBudgetUsd(BigDecimal monthlyBudgetUsd) {
        this.monthlyBudgetUsd = monthlyBudgetUsd;
    }

    Integer getDailyRequestLimit() {
        return dailyRequestLimit;
    }

    void setDailyRequestLimit(Integer dailyRequestLimit) {
        this.dailyRequestLimit = dailyRequestLimit;
    }

    Integer getRequestsPerMinute() {
        return requestsPerMinute;
    }

    void setRequestsPerMinute(Integer requestsPerMinute) {
        this.requestsPerMinute = requestsPerMinute;
    }

    Integer getMaxConcurrent() {
        return maxConcurrent;
    }

    void setMaxConcurrent(Integer maxConcurrent) {
        this.maxConcurrent = maxConcurrent;
    }

    boolean isSuspended() {
        return suspended;
    }

    void setSuspended(boolean suspended) {
        this.suspended = suspended;
    }

    String getAlertWebhookUrl() {
        return alertWebhookUrl;
    }

    void setAlertWebhookUrl(String alertWebhookUrl) {
        this.alertWebhookUrl = alertWebhookUrl;
    }

    java.util.List<Integer> getAlertThresholds() {
        return java.util.List.of(alertThresholds);
    }

    void setAlertThresholds(java.util.List<Integer> alertThresholds) {
        this.alertThresholds = alertThresholds.toArray(Integer[]::new);
    }

    Instant getCreatedAt() {
        return createdAt;
    }

    Instant getUpdatedAt() {
        return updatedAt;
    }

    void touch(Instant now) {
        this.updatedAt = now;
    }
}
