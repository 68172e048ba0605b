package com.example.gateway.proxy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import com.example.gateway.ledger.GroupCommit;
import com.example.gateway.ledger.SettlementFailed;
import com.example.gateway.ledger.SettlementPending;
import com.example.gateway.modelslab.UpstreamResult;
import com.example.gateway.quota.Admission;
import com.example.gateway.quota.AdmissionRefused;
import com.example.gateway.quota.Balance;
import com.example.gateway.quota.QuotaService;
import com.example.gateway.quota.Reservation;
import com.example.gateway.quota.Settlement;
import com.example.gateway.upstream.UpstreamWaitExceeded;

import org.springframework.stereotype.Service;

/**
 * A generation: admit, forward, settle. Admission reserves the call's exact price and counts it against every limit
 * in one atomic step; the call is then forwarded with the shared key (waiting for a slot first when the ModelsLab
 * account is at its cap, its budget reserved meanwhile), and settled (its ledger row and cost, durably)
 * before the client is answered. The request's thread is let go while ModelsLab works (seconds, at times minutes): the
 * call is settled and answered on a fresh virtual thread.
 */
@Service
class GenerationFlow {

    private final CallReader reader;
    private final QuotaService quotas;
    private final UpstreamForwarding modelsLab;
    private final UpstreamAnswers answers;
    private final GroupCommit ledger;
    private final CallTelemetry telemetry;

    GenerationFlow(CallReader reader, QuotaService quotas, UpstreamForwarding modelsLab, UpstreamAnswers answers,
            GroupCommit ledger, CallTelemetry telemetry) {
        this.reader = reader;
        this.quotas = quotas;
        this.modelsLab = modelsLab;
        this.answers = answers;
        this.ledger = ledger;
        this.telemetry = telemetry;
    }

    CompletableFuture<CallAnswer> run(Generation generation) {
        long started = System.nanoTime();
        Reservation reservation = admit(generation);
        telemetry.identify(reservation.admission().tenantId());
        byte[] upstreamBody = reader.upstreamBody(generation, modelsLab.sharedKey());
        telemetry.callStarted();
        return modelsLab.send(reservation.admission(), generation.call().priority(),
                generation.call().endpoint().upstreamUri(), upstreamBody)
            .handleAsync((result, noSlot) -> settle(reservation, result, noSlot, generation.call(), started),
                    telemetry.continuation())
            .whenComplete((answer, failure) -> telemetry.callFinished());
    }

    private Reservation admit(Generation generation) {
        if (!ledger.hasRoom()) {
            throw new GatewayException(ErrorCode.UNAVAILABLE, "The gateway cannot record more calls right now; "
                    + "nothing was forwarded or charged. Retry shortly.");
        }
        try {
            return telemetry.timeAdmission(() -> quotas.reserve(generation.credential(), generation.admission()));
        }
        catch (AdmissionRefused refused) {
            telemetry.refused(refused);
            throw refused;
        }
    }

    /**
     * Records the call and its cost durably, then answers. When the database cannot take the settlement in time, the
     * client still gets ModelsLab's answer (the images are paid for) with its cost and an unknown balance: the
     * settlement stays queued and is written when the database is back. A call that got no slot of the account in
     * time was never forwarded: it is settled uncharged, which releases its reservation.
     */
    private CallAnswer settle(Reservation reservation, UpstreamResult result, Throwable noSlot, ImageCall call,
            long startedNanos) {
        Admission admission = reservation.admission();
        ClientAnswer answer = result != null
                ? answers.answer(result, call.requestId().toString(), call.publicBase(), modelsLab.sharedKey())
                : answers.noSlot(call.requestId().toString(), waitExceeded(noSlot).retryAfter());
        Duration latency = result != null ? result.latency() : Duration.ZERO;
        BigDecimal cost = answer.outcome().charged() ? admission.price() : BigDecimal.ZERO;
        Settlement settlement = new Settlement(admission.requestId(), answer.outcome(), cost, answer.upstreamStatus(),
                answer.status(), answer.upstreamId(), result != null ? (int) latency.toMillis() : null, answer.body());
        Balance balance;
        try {
            balance = telemetry.timeSettlement(() -> ledger.settle(reservation, settlement));
        }
        catch (SettlementPending pending) {
            balance = Balance.UNKNOWN;
        }
        catch (SettlementFailed failed) {
            throw new GatewayException(ErrorCode.UNAVAILABLE, "ModelsLab was called, but the gateway could not "
                    + "record the call in its ledger, so it is not charged. Check before retrying.");
        }
        telemetry.settled(admission, answer.outcome(), cost, latency, startedNanos);
        return new CallAnswer(answer.status(), answer.body(), cost, balance, answer.retryAfter(), null);
    }

    private static UpstreamWaitExceeded waitExceeded(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof UpstreamWaitExceeded exceeded) {
            return exceeded;
        }
        throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
    }
}
