package com.example.gateway.simulator;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * ModelsLab's v6 image routes under {@code /simulator}, answering in ModelsLab's own shapes and status codes.
 * Bodies are read as plain maps because ModelsLab's clients send numbers and flags in several JSON types.
 */
@RestController
@RequestMapping("/simulator/api/v6/images")
@ConditionalOnProperty(prefix = "gateway.simulator", name = "enabled", havingValue = "true")
class SimulatorController {

    /** ModelsLab's words when the account is empty. */
    static final String INSUFFICIENT_CREDITS = "Insufficient credits. Please add more credits to continue.";

    private final SimulatedGenerations generations;
    private final SimulatedWallet wallet;
    private final SimulatorKey key;
    private final SimulatedWebhooks webhooks;
    private final int retryAfterSeconds;

    SimulatorController(SimulatedGenerations generations, SimulatedWallet wallet, SimulatorKey key,
            SimulatedWebhooks webhooks, SimulatorProperties properties) {
        this.generations = generations;
        this.wallet = wallet;
        this.key = key;
        this.webhooks = webhooks;
        this.retryAfterSeconds = (int) Math.max(1, properties.queueRetryAfter().toSeconds());
    }

    @PostMapping({ "/text2img", "/img2img", "/inpaint" })
    ResponseEntity<ModelsLabAnswer> generate(@RequestBody(required = false) Map<String, Object> body) {
        LooseFields fields = new LooseFields(body);
        if (!keyAccepted(fields)) {
            return invalidKey();
        }
        GenerationRequest request = GenerationRequest.from(fields);
        return switch (PromptTrigger.in(request.prompt())) {
            case QUEUE_FULL -> queueFull();
            case GENERATION_ERROR -> ResponseEntity.ok(ModelsLabAnswer.Error
                .withMessege("Simulated failure: the [error] prompt asked the simulator to fail this generation."));
            case QUEUED -> paid(request, () -> generations.enqueue(request)
                .map(generation -> {
                    webhooks.whenDone(generation, generations.now());
                    return currentAnswer(generation);
                })
                .orElseGet(this::queueFull));
            case NONE -> paid(request, () -> currentAnswer(generations.completeAtOnce(request)));
        };
    }

    /**
     * Runs an accepted generation once the wallet has paid for it. A queued generation that finds the queue full is
     * refunded, since ModelsLab charges only for work it takes on.
     */
    private ResponseEntity<ModelsLabAnswer> paid(GenerationRequest request,
            Supplier<ResponseEntity<ModelsLabAnswer>> generation) {
        if (!wallet.pay(request.samples())) {
            return ResponseEntity.ok(ModelsLabAnswer.Error.withMessage(INSUFFICIENT_CREDITS));
        }
        ResponseEntity<ModelsLabAnswer> answer = generation.get();
        if (answer.getStatusCode().isError()) {
            wallet.refund(request.samples());
        }
        return answer;
    }

    /** The form the SDKs use and {@code fetch_result} points at. */
    @PostMapping("/fetch/{id}")
    ResponseEntity<ModelsLabAnswer> fetch(@PathVariable String id,
            @RequestBody(required = false) Map<String, Object> body) {
        return fetch(new LooseFields(body), id);
    }

    /** The form ModelsLab's docs show; {@code request_id} may be a JSON number or a string. */
    @PostMapping("/fetch")
    ResponseEntity<ModelsLabAnswer> fetchByRequestId(@RequestBody(required = false) Map<String, Object> body) {
        LooseFields fields = new LooseFields(body);
        if (keyAccepted(fields) && !fields.has("request_id")) {
            throw new InvalidParameter("request_id is required");
        }
        return fetch(fields, fields.value("request_id"));
    }

    private ResponseEntity<ModelsLabAnswer> fetch(LooseFields body, Object id) {
        if (!keyAccepted(body)) {
            return invalidKey();
        }
        return parseId(id).flatMap(generations::find).map(this::currentAnswer).orElseGet(this::requestNotFound);
    }

    @ExceptionHandler(InvalidParameter.class)
    ResponseEntity<ModelsLabAnswer> invalidParameter(InvalidParameter ex) {
        return ResponseEntity.badRequest().body(ModelsLabAnswer.Error.withMessage(ex.getMessage()));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ModelsLabAnswer> unreadableBody() {
        return ResponseEntity.badRequest().body(ModelsLabAnswer.Error.withMessage("Request body must be a JSON object"));
    }

    private boolean keyAccepted(LooseFields fields) {
        return key.accepts(fields);
    }

    /** An id that is not a whole number cannot name a generation, so it is simply not found. */
    private static Optional<Long> parseId(Object id) {
        if (!(id instanceof Number || id instanceof String)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(id.toString().trim()));
        }
        catch (NumberFormatException ex) {
            return Optional.empty();
        }
    }

    private ResponseEntity<ModelsLabAnswer> currentAnswer(SimulatedGeneration generation) {
        return ResponseEntity.ok(generation.answerAt(generations.now()));
    }

    private ResponseEntity<ModelsLabAnswer> invalidKey() {
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(ModelsLabAnswer.Error.withMessage("Invalid API key"));
    }

    private ResponseEntity<ModelsLabAnswer> queueFull() {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
            .body(ModelsLabAnswer.Error.queueFull(generations.queueLimit(), retryAfterSeconds));
    }

    private ResponseEntity<ModelsLabAnswer> requestNotFound() {
        return ResponseEntity.ok(ModelsLabAnswer.Error.withMessage("Request not found"));
    }
}
