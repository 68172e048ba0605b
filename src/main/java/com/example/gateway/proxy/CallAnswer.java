package com.example.gateway.proxy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.UUID;

import com.example.gateway.quota.Balance;
import com.example.gateway.units.Money;
import com.example.gateway.web.RequestIds;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * What a proxied call answers: ModelsLab's answer (or the gateway's error in its dialect) with the gateway's headers.
 * @param cost what the call is charged, zero when it is not
 * @param retryAfter for 429 answers, or {@code null}
 * @param replayOf the request id of the first call when this answer is an idempotent replay, or {@code null}
 */
record CallAnswer(int status, byte[] body, BigDecimal cost, Balance balance, Duration retryAfter, UUID replayOf) {

    static final String COST_HEADER = "X-Gateway-Cost-USD";
    static final String BUDGET_HEADER = "X-Gateway-Budget-Remaining-USD";
    static final String REPLAYED_HEADER = "Idempotent-Replayed";

    ResponseEntity<byte[]> toResponse() {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status)
            .contentType(MediaType.APPLICATION_JSON)
            .header(COST_HEADER, Money.plain(cost))
            .header(BUDGET_HEADER, balance.header());
        if (retryAfter != null) {
            response.header(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfter.toSeconds()));
        }
        if (replayOf != null) {
            response.header(RequestIds.HEADER, replayOf.toString()).header(REPLAYED_HEADER, "true");
        }
        return response.body(body);
    }
}
