/**
 * Quotas and money: prices (the price table, its copy in memory and its admin API), the atomic admission that reserves
 * a call's exact price in PostgreSQL, the settlement that charges it and writes its ledger row in one statement, and the
 * sweeper for reservations a crashed replica left behind.
 */
package com.example.gateway.quota;
