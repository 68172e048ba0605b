/**
 * Reconciliation with ModelsLab's own wallet: balance snapshots, recorded top-ups, and the report that sets what
 * ModelsLab took against what the ledger charged.
 */
package com.example.gateway.reconciliation;
