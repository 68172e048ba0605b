package com.example.gateway.proxy;

import java.util.UUID;

import com.example.gateway.quota.AdmissionRequest;
import com.example.gateway.quota.Credential;
import tools.jackson.databind.node.ObjectNode;

/**
 * A generation call that passed every check that needs no database: a valid body, a well-formed key. Nothing is
 * reserved, forwarded or charged yet.
 * @param body the client's body without its key, as it will be forwarded
 * @param requestHash what identifies the request for its Idempotency-Key (endpoint and body), or {@code null} without
 * one
 */
record Generation(ImageCall call, ImageRequest image, ObjectNode body, Credential credential,
        byte[] requestHash, AdmissionRequest admission) {

    /** The call's {@code Idempotency-Key}, or {@code null} without one. */
    String idempotencyKey() {
        return admission.idempotencyKey();
    }

    /** The hash of the key the call came with, before it is authenticated. */
    byte[] keyHash() {
        if (credential instanceof Credential.KeyHash(byte[] hash)) {
            return hash;
        }
        throw new IllegalStateException("The call is authenticated already");
    }

    /** The same call, for a caller already authenticated by its key. */
    Generation authenticatedAs(UUID keyId) {
        return new Generation(call, image, body, new Credential.AuthenticatedKey(keyId), requestHash,
                admission);
    }
}
