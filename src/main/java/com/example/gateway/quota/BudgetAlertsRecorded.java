package com.example.gateway.quota;

/** Applying settled calls crossed budget alert thresholds of this tenant; published once the alert rows are committed. */
public record BudgetAlertsRecorded(String tenantId) {
}
