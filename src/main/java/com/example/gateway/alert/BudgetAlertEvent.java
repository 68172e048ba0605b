package com.example.gateway.alert;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The JSON posted to a tenant's webhook. {@code id} is stable for a tenant, month and threshold, so a receiver can drop
 * the rare duplicate that an ambiguous network failure causes.
 */
record BudgetAlertEvent(String id, String type, String tenant, String month, int thresholdPercent,
        BigDecimal spentUsd, BigDecimal budgetUsd, Instant occurredAt) {
}
