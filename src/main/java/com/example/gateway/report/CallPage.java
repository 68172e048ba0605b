package com.example.gateway.report;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

/** A page of the call listing, newest first; {@code nextCursor} is absent on the last page. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CallPage(List<Call> items, String nextCursor) {

    /**
     * One ledger row as finance and ops see it; amounts are plain decimal strings. {@code priceId} and
     * {@code unitPriceUsd} name the price the call was admitted at, {@code expectedModelsLabUsd} what ModelsLab is
     * expected to have charged for it (all null on rows older than the price table). {@code finalOutcome} is how a
     * queued call's generation ended ({@code success} or {@code failed}), once a webhook or fetch told.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "CallItem")
    public record Call(UUID requestId, String tenant, UUID keyId, String model, String endpoint, String outcome,
            String upstreamId, Integer upstreamStatus, Integer httpStatus, int images, String costUsd,
            Integer upstreamLatencyMs, Instant createdAt, Instant settledAt, String idempotencyKey, Long priceId,
            String unitPriceUsd, String expectedModelsLabUsd, String finalOutcome) {
    }
}
