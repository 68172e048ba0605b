package com.example.gateway.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

import com.example.gateway.alert.BudgetAlertDispatcher;
import com.example.gateway.idempotency.IdempotencyStore;
import com.example.gateway.ledger.CallLedger;
import com.example.gateway.modelslab.ModelsLabClient;
import com.example.gateway.modelslab.UpstreamResult;
import com.example.gateway.quota.Admission;
import com.example.gateway.quota.AdmissionRefused;
import com.example.gateway.quota.AdmissionRequest;
import com.example.gateway.quota.Balance;
import com.example.gateway.quota.CallOutcome;
import com.example.gateway.quota.PriceList;
import com.example.gateway.quota.QuotaService;
import com.example.gateway.quota.QuotaUsage;
import com.example.gateway.quota.Reservation;
import com.example.gateway.quota.Settlement;
import com.example.gateway.tenant.Caller;
import com.example.gateway.tenant.TenantAuthenticator;
import com.example.gateway.web.BearerTokens;
import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import com.example.gateway.web.RequestIds;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * One call through the gateway: validate, authenticate, reserve, forward with the shared key, settle. Validation and
 * authentication come first so that a bad call reserves, forwards and charges nothing. The request's thread does the
 * first steps and is then let go: while ModelsLab works (seconds, at times minutes) the call holds no thread, and it
 * is settled and answered on a fresh virtual thread (servlet asynchronous processing).
 */
@Service
class ImageProxy {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String COST_HEADER = "X-Gateway-Cost-USD";
    static final String BUDGET_HEADER = "X-Gateway-Budget-Remaining-USD";
    static final String REPLAYED_HEADER = "Idempotent-Replayed";

    private static final Logger log = LoggerFactory.getLogger(ImageProxy.class);
    private static final Pattern GENERATION_ID = Pattern.compile("[0-9]{1,20}");
    private static final Pattern IDEMPOTENCY_KEY_FORMAT = Pattern.compile("[\\x20-\\x7E]{1,255}");

    private final JsonBodies json;
    private final ImageRequestValidator validator;
    private final TenantAuthenticator authenticator;
    private final PriceList prices;
    private final QuotaService quotas;
    private final IdempotencyStore idempotency;
    private final ModelsLabClient modelsLab;
    private final UpstreamAnswers answers;
    private final CallLedger ledger;
    private final GatewayMetrics metrics;
    private final ProxyProperties properties;
    private final BudgetAlertDispatcher alerts;

    ImageProxy(JsonBodies json, ImageRequestValidator validator, TenantAuthenticator authenticator, PriceList prices,
            QuotaService quotas, IdempotencyStore idempotency, ModelsLabClient modelsLab, UpstreamAnswers answers,
            CallLedger ledger, GatewayMetrics metrics, ProxyProperties properties,
            BudgetAlertDispatcher alerts) {
        this.json = json;
        this.validator = validator;
        this.authenticator = authenticator;
        this.prices = prices;
        this.quotas = quotas;
        this.idempotency = idempotency;
        this.modelsLab = modelsLab;
        this.answers = answers;
        this.ledger = ledger;
        this.metrics = metrics;
        this.properties = properties;
        this.alerts = alerts;
    }

    CompletableFuture<ResponseEntity<byte[]>> generate(Endpoint endpoint, HttpServletRequest request) {
        long started = System.nanoTime();
        UUID requestId = RequestIds.of(request);
        ObjectNode body = json.parseObject(readBody(request), false);
        ImageRequest image = validator.validate(endpoint, body);
        String idempotencyKey = idempotencyKey(request);
        byte[] keyHash = keyHash(request, body);
        body.remove("key");
        // With an Idempotency-Key the tenant must be known before admission (the key is claimed per tenant); without
        // one, the statement that admits the call also authenticates its key.
        Caller claimant = null;
        if (idempotencyKey != null) {
            claimant = authenticator.authenticate(keyHash);
            MDC.put("tenant", claimant.tenantId());
            byte[] requestHash = JsonBodies.sha256((endpoint.path() + "\n" + new String(json.write(body), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8));
            Optional<IdempotencyStore.Replay> replay = idempotency.claim(claimant.tenantId(), idempotencyKey,
                    requestHash, requestId);
            if (replay.isPresent()) {
                return CompletableFuture.completedFuture(replay(replay.get(), claimant));
            }
        }

        BigDecimal price = prices.priceOf(image.modelId(), image.samples());
        AdmissionRequest admission = new AdmissionRequest(requestId, image.modelId(), endpoint.path(),
                image.samples(), price, idempotencyKey, JsonBodies.sha256(image.prompt().getBytes(StandardCharsets.UTF_8)));
        Reservation reservation;
        long admitting = System.nanoTime();
        try {
            reservation = quotas.reserve(keyHash, admission);
        }
        catch (RuntimeException ex) {
            if (claimant != null) {
                idempotency.release(claimant.tenantId(), idempotencyKey, requestId);
            }
            if (ex instanceof AdmissionRefused refused) {
                MDC.put("tenant", refused.tenantId());
                metrics.rejected(refused.tenantId(), refused.code().code());
            }
            throw ex;
        }
        finally {
            metrics.admissionLatency(Duration.ofNanos(System.nanoTime() - admitting));
        }
        MDC.put("tenant", reservation.admission().tenantId());
        URI gatewayBase = gatewayBase(request);

        body.put("key", modelsLab.sharedKey());
        if (!image.modelGiven()) {
            body.put("model_id", image.modelId());
        }
        byte[] forwarded = json.write(body);
        metrics.callStarted();
        return modelsLab.send(endpoint.upstreamUri(), forwarded)
            .thenApplyAsync(result -> settle(reservation, result, gatewayBase, started),
                    Continuations.onVirtualThreadWithLogContext())
            .whenComplete((response, failure) -> metrics.callFinished());
    }

    /** Records the call and its cost durably, then answers the client; blocks, so never on a Netty thread. */
    private ResponseEntity<byte[]> settle(Reservation reservation, UpstreamResult result, URI gatewayBase,
            long startedNanos) {
        Admission call = reservation.admission();
        UUID requestId = call.requestId();
        ClientAnswer answer = answers.answer(result, requestId.toString(), gatewayBase, modelsLab.sharedKey());
        BigDecimal cost = answer.outcome().charged() ? call.price() : BigDecimal.ZERO;
        Settlement settlement = new Settlement(requestId, answer.outcome(), cost, answer.upstreamStatus(),
                answer.status(), answer.upstreamId(), (int) result.latency().toMillis());
        Runnable keepAnswer = call.idempotencyKey() == null ? null : () -> {
            if (worthReplaying(answer.outcome())) {
                idempotency.complete(call.tenantId(), call.idempotencyKey(), requestId, answer.status(), answer.body());
            }
            else {
                idempotency.release(call.tenantId(), call.idempotencyKey(), requestId);
            }
        };
        Balance balance;
        long settling = System.nanoTime();
        try {
            balance = quotas.settle(reservation, settlement, keepAnswer);
        }
        catch (RuntimeException ex) {
            log.error("Call forwarded but not recorded: {}", ex.getMessage());
            throw new GatewayException(ErrorCode.UNAVAILABLE, "ModelsLab was called, but the gateway could not "
                    + "record the call in its ledger, so it is not charged. Check before retrying.");
        }
        finally {
            metrics.settlementLatency(Duration.ofNanos(System.nanoTime() - settling));
        }
        if (balance.alertRecorded()) {
            alerts.wakeUp();
        }
        Duration total = Duration.ofNanos(System.nanoTime() - startedNanos);
        metrics.settled(call.tenantId(), call.modelId(), answer.outcome().dbValue(), cost);
        metrics.upstreamLatency(call.endpoint(), result.latency());
        metrics.addedLatency(call.endpoint(), total.minus(result.latency()));
        // The tenant is already in the log context (MDC); adding it again here breaks structured logging.
        log.atInfo()
            .addKeyValue("model", call.modelId())
            .addKeyValue("outcome", answer.outcome().dbValue())
            .addKeyValue("costUsd", cost.toPlainString())
            .addKeyValue("latencyMs", total.toMillis())
            .addKeyValue("upstreamLatencyMs", result.latency().toMillis())
            .log("{} call settled: {}", call.endpoint(), answer.outcome().dbValue());
        return respond(answer.status(), answer.body(), cost, balance, answer.retryAfter());
    }

    /**
     * Forwards a fetch of a queued generation, for the tenant whose call produced it only; never charged.
     * @param pathId the id from {@code /fetch/{id}}, or {@code null} for the body form ({@code request_id})
     */
    CompletableFuture<ResponseEntity<byte[]>> fetch(String pathId, HttpServletRequest request) {
        UUID requestId = RequestIds.of(request);
        ObjectNode body = json.parseObject(readBody(request), true);
        Caller caller = authenticate(request, body);
        String id = pathId != null ? pathId : textOf(body.get("request_id"));
        if (id == null || !GENERATION_ID.matcher(id).matches() || !ledger.ownsGeneration(caller.tenantId(), id)) {
            throw new GatewayException(ErrorCode.NOT_FOUND, "No generation with this id was found for this tenant.");
        }
        URI gatewayBase = gatewayBase(request);
        ObjectNode forwarded = json.parseObject(new byte[0], true).put("key", modelsLab.sharedKey());
        return modelsLab.send("/api/v6/images/fetch/{id}", json.write(forwarded), id)
            .thenApplyAsync(result -> {
                ClientAnswer answer = answers.answer(result, requestId.toString(), gatewayBase, modelsLab.sharedKey());
                metrics.fetched(caller.tenantId(), answer.outcome().dbValue());
                metrics.upstreamLatency("fetch", result.latency());
                Balance balance = currentBalance(caller);
                return respond(answer.status(), answer.body(), BigDecimal.ZERO, balance, answer.retryAfter());
            }, Continuations.onVirtualThreadWithLogContext());
    }

    /**
     * Whether a retry with the same Idempotency-Key gets this answer again. Only answers that were charged, or that are
     * ModelsLab's verdict on the request itself, are; an uncharged upstream failure (5xx, garbage, a broken connection,
     * a full queue whose 429 says to retry) is not, or the retry it asks for would be replayed the same failure.
     */
    private static boolean worthReplaying(CallOutcome outcome) {
        return outcome.charged() || outcome == CallOutcome.UPSTREAM_REJECTED;
    }

    private Balance currentBalance(Caller caller) {
        return Balance.of(quotas.usage(caller.tenantId()).map(QuotaUsage::remainingUsd).orElse(null));
    }

    private ResponseEntity<byte[]> replay(IdempotencyStore.Replay replay, Caller caller) {
        Balance balance = currentBalance(caller);
        return ResponseEntity.status(replay.status())
            .contentType(MediaType.APPLICATION_JSON)
            .header(RequestIds.HEADER, replay.requestId().toString())
            .header(REPLAYED_HEADER, "true")
            .header(COST_HEADER, "0")
            .header(BUDGET_HEADER, balance.header())
            .body(replay.body());
    }

    private ResponseEntity<byte[]> respond(int status, byte[] body, BigDecimal cost, Balance balance,
            Duration retryAfter) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status)
            .contentType(MediaType.APPLICATION_JSON)
            .header(COST_HEADER, cost.signum() == 0 ? "0" : cost.stripTrailingZeros().toPlainString())
            .header(BUDGET_HEADER, balance.header());
        if (retryAfter != null) {
            response.header(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfter.toSeconds()));
        }
        return response.body(body);
    }

    private Caller authenticate(HttpServletRequest request, ObjectNode body) {
        Caller caller = authenticator.authenticate(keyHash(request, body));
        MDC.put("tenant", caller.tenantId());
        return caller;
    }

    private byte[] keyHash(HttpServletRequest request, ObjectNode body) {
        String headerKey = BearerTokens.from(request.getHeader(HttpHeaders.AUTHORIZATION));
        JsonNode bodyKey = body.get("key");
        if (bodyKey != null && !bodyKey.isNull() && !bodyKey.isString()) {
            throw new GatewayException(ErrorCode.INVALID_KEY, "Invalid API key.");
        }
        return authenticator.keyHash(headerKey, bodyKey == null || bodyKey.isNull() ? null : bodyKey.asString());
    }

    private static String idempotencyKey(HttpServletRequest request) {
        String key = request.getHeader(IDEMPOTENCY_KEY);
        if (key == null) {
            return null;
        }
        if (!IDEMPOTENCY_KEY_FORMAT.matcher(key).matches()) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST,
                    "The Idempotency-Key header must be 1 to 255 printable characters.");
        }
        return key;
    }

    private byte[] readBody(HttpServletRequest request) {
        try {
            return json.read(request.getContentLengthLong(), request.getInputStream());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private URI gatewayBase(HttpServletRequest request) {
        if (properties.publicBaseUrl() != null) {
            return properties.publicBaseUrl();
        }
        return ServletUriComponentsBuilder.fromContextPath(request).replaceQuery(null).build().toUri();
    }

    private static String textOf(JsonNode node) {
        if (node == null || node.isNull() || !(node.isString() || node.isIntegralNumber())) {
            return null;
        }
        return node.asString();
    }
}
