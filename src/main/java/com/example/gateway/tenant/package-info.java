/**
 * Tenants, their API keys (stored only as HMAC hashes) and how a caller is recognised by its key.
 */
package com.example.gateway.tenant;
