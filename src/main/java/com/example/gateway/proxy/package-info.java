/**
 * The gateway path: ModelsLab-compatible endpoints that validate a call, authenticate the tenant, reserve its price,
 * forward it with the shared key and settle it in the ledger.
 */
package com.example.gateway.proxy;
