/**
 * Reports from the call ledger, computed by PostgreSQL: usage across tenants, a tenant's monthly statement, the call
 * listing for finance and ops, and a tenant's view of its own usage.
 */
package com.example.gateway.report;
