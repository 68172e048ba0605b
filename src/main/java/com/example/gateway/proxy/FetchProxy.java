package com.example.gateway.proxy;

import java.math.BigDecimal;
import java.util.concurrent.CompletableFuture;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import com.example.gateway.modelslab.ModelsLabClient;
import com.example.gateway.quota.QuotaService;

import org.springframework.stereotype.Service;

/** Forwards a fetch of a queued generation, for the tenant whose call produced it only; never charged. */
@Service
class FetchProxy {

    private final CallReader reader;
    private final QueuedGenerations generations;
    private final ModelsLabClient modelsLab;
    private final UpstreamAnswers answers;
    private final QuotaService quotas;
    private final CallTelemetry telemetry;

    FetchProxy(CallReader reader, QueuedGenerations generations, ModelsLabClient modelsLab, UpstreamAnswers answers,
            QuotaService quotas, CallTelemetry telemetry) {
        this.reader = reader;
        this.generations = generations;
        this.modelsLab = modelsLab;
        this.answers = answers;
        this.quotas = quotas;
        this.telemetry = telemetry;
    }

    /** @param pathId the id from {@code /fetch/{id}}, or {@code null} for the body form ({@code request_id}) */
    CompletableFuture<CallAnswer> fetch(ImageCall call, String pathId) {
        CallReader.Fetch fetch = reader.fetch(call, pathId);
        String tenant = fetch.caller().tenantId();
        telemetry.identify(tenant);
        if (fetch.generationId() == null || !generations.ownsGeneration(tenant, fetch.generationId())) {
            throw new GatewayException(ErrorCode.NOT_FOUND, "No generation with this id was found for this tenant.");
        }
        return modelsLab.send("/api/v6/images/fetch/{id}", reader.fetchBody(modelsLab.sharedKey()), fetch.generationId())
            .thenApplyAsync(result -> {
                ClientAnswer answer = answers.answer(result, call.requestId().toString(), call.publicBase(),
                        modelsLab.sharedKey());
                telemetry.fetched(tenant, answer.outcome().dbValue());
                telemetry.upstreamLatency("fetch", result.latency());
                generations.fetched(tenant, fetch.generationId(), answer);
                return new CallAnswer(answer.status(), answer.body(), BigDecimal.ZERO, quotas.balanceOf(tenant),
                        answer.retryAfter(), null);
            }, telemetry.continuation());
    }
}
