package com.example.gateway.quota;

import java.util.UUID;

/**
 * Who a call says it is, as the admission statement checks it: by the hash of the key it came with (the statement then
 * authenticates the call, so a call without an Idempotency-Key is authenticated and admitted in one round trip), or by
 * the key of a caller already authenticated (a call with an Idempotency-Key, whose claim needed the tenant first; the
 * statement then only re-checks, in the same atomic step, that the key was not revoked meanwhile).
 */
public sealed interface Credential {

    record KeyHash(byte[] hash) implements Credential {
    }

    record AuthenticatedKey(UUID keyId) implements Credential {
    }
}
