package com.example.gateway.proxy;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import com.example.gateway.idempotency.IdempotencyStore;
import com.example.gateway.quota.QuotaService;
import com.example.gateway.tenant.Caller;
import com.example.gateway.tenant.TenantAuthenticator;

import org.springframework.stereotype.Service;

/**
 * Generations, with {@code Idempotency-Key} support around them: a key is claimed per tenant before the call is
 * admitted, so two replicas can never both forward it; a retry gets the first answer again, free of charge. The answer
 * is kept (or the key given up) in the transaction that records the call (see {@code IdempotencyStore}).
 */
@Service
class IdempotentCalls {

    private final CallReader reader;
    private final RelayedGenerations generations;
    private final TenantAuthenticator authenticator;
    private final IdempotencyStore idempotency;
    private final QuotaService quotas;
    private final CallTelemetry telemetry;

    IdempotentCalls(CallReader reader, RelayedGenerations generations, TenantAuthenticator authenticator,
            IdempotencyStore idempotency, QuotaService quotas, CallTelemetry telemetry) {
        this.reader = reader;
        this.generations = generations;
        this.authenticator = authenticator;
        this.idempotency = idempotency;
        this.quotas = quotas;
        this.telemetry = telemetry;
    }

    CompletableFuture<CallAnswer> generate(ImageCall call) {
        Generation generation = reader.generation(call);
        if (generation.idempotencyKey() == null) {
            return generations.run(generation);
        }
        // The claim is per tenant, so the tenant must be known before admission.
        Caller caller = authenticator.authenticate(generation.keyHash());
        telemetry.identify(caller.tenantId());
        Optional<IdempotencyStore.Replay> replay = idempotency.claim(caller.tenantId(), generation.idempotencyKey(),
                generation.requestHash(), call.requestId());
        if (replay.isPresent()) {
            return CompletableFuture.completedFuture(replayed(replay.get(), caller));
        }
        try {
            return generations.run(generation.authenticatedAs(caller.keyId()));
        }
        catch (RuntimeException refusedBeforeForwarding) {
            idempotency.release(caller.tenantId(), generation.idempotencyKey(), call.requestId());
            throw refusedBeforeForwarding;
        }
    }

    private CallAnswer replayed(IdempotencyStore.Replay replay, Caller caller) {
        return new CallAnswer(replay.status(), replay.body(), BigDecimal.ZERO, quotas.balanceOf(caller.tenantId()),
                null, replay.requestId());
    }
}
