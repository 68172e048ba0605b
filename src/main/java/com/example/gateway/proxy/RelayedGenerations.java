package com.example.gateway.proxy;

import java.net.URI;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import com.example.gateway.quota.Credential;
import com.example.gateway.tenant.TenantAuthenticator;
import com.example.gateway.webhook.WebhookRelays;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Service;

/**
 * A generation whose body names a {@code webhook}: before it is admitted, the webhook is checked against the tenant's
 * rules and replaced by the gateway's own callback URL, whose relay is stored durably first, so that a callback that
 * beats the call's settlement still finds it. Refused webhooks get 400 with nothing reserved, forwarded or charged.
 * Generations without a webhook pass straight through, with no extra database round trip.
 */
@Service
class RelayedGenerations {

    private final GenerationFlow generations;
    private final TenantAuthenticator authenticator;
    private final WebhookRelays relays;

    RelayedGenerations(GenerationFlow generations, TenantAuthenticator authenticator, WebhookRelays relays) {
        this.generations = generations;
        this.authenticator = authenticator;
        this.relays = relays;
    }

    CompletableFuture<CallAnswer> run(Generation generation) {
        JsonNode webhook = generation.body().get("webhook");
        if (webhook == null || webhook.isNull() || webhook.isString() && webhook.asString().isEmpty()) {
            return generations.run(generation);
        }
        if (!webhook.isString()) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST, "The field 'webhook' must be a URL string.");
        }
        Generation authenticated = generation;
        UUID keyId;
        if (generation.credential() instanceof Credential.AuthenticatedKey(UUID id)) {
            keyId = id;
        }
        else {
            keyId = authenticator.authenticate(generation.keyHash()).keyId();
            authenticated = generation.authenticatedAs(keyId);
        }
        JsonNode trackId = generation.body().get("track_id");
        URI callback = relays.register(keyId, generation.call().requestId(), webhook.asString(),
                trackId == null || trackId.isNull() ? null : trackId.toString(), generation.call().publicBase());
        authenticated.body().put("webhook", callback.toString());
        return generations.run(authenticated);
    }
}
