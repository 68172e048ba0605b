package com.example.gateway.proxy;

import java.math.BigDecimal;

import com.example.gateway.quota.PriceList;
import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

/**
 * Rejects early what ModelsLab would reject, so that nothing is reserved or forwarded for it. Accepts every form
 * ModelsLab accepts: numbers as JSON numbers or as strings ({@code "width": "512"}), flags as booleans or
 * {@code "yes"}/{@code "no"}; fields it does not know pass through untouched.
 */
@Component
class ImageRequestValidator {

    static final int MAX_PROMPT_LENGTH = 2000;

    private final PriceList prices;

    ImageRequestValidator(PriceList prices) {
        this.prices = prices;
    }

    ImageRequest validate(Endpoint endpoint, ObjectNode body) {
        String prompt = requiredText(body, "prompt");
        if (prompt.codePointCount(0, prompt.length()) > MAX_PROMPT_LENGTH) {
            throw invalid("prompt", "must be at most " + MAX_PROMPT_LENGTH + " characters");
        }
        String negative = optionalText(body, "negative_prompt");
        if (negative != null && negative.codePointCount(0, negative.length()) > MAX_PROMPT_LENGTH) {
            throw invalid("negative_prompt", "must be at most " + MAX_PROMPT_LENGTH + " characters");
        }
        for (String side : new String[] { "width", "height" }) {
            Integer size = optionalInteger(body, side);
            if (size != null && (size < 256 || size > 1024 || size % 8 != 0)) {
                throw invalid(side, "must be a number between 256 and 1024, divisible by 8");
            }
        }
        Integer samples = optionalInteger(body, "samples");
        if (samples != null && (samples < 1 || samples > 4)) {
            throw invalid("samples", "must be a number between 1 and 4");
        }
        Integer steps = optionalInteger(body, "num_inference_steps");
        if (steps != null && steps < 1) {
            throw invalid("num_inference_steps", "must be a positive number");
        }
        for (String image : endpoint.requiredImages()) {
            requiredText(body, image);
        }
        String modelId = optionalText(body, "model_id");
        if (modelId != null && modelId.isBlank()) {
            throw invalid("model_id", "must not be blank");
        }
        String model = modelId == null ? prices.defaultModel() : modelId;
        if (!prices.isEnabled(model)) {
            throw new GatewayException(ErrorCode.MODEL_NOT_ENABLED,
                    "The model_id '" + printable(model) + "' is not enabled on this gateway.");
        }
        return new ImageRequest(model, modelId != null, samples == null ? 1 : samples, prompt);
    }

    private static String requiredText(ObjectNode body, String field) {
        String text = optionalText(body, field);
        if (text == null || text.isBlank()) {
            throw invalid(field, "is required");
        }
        return text;
    }

    private static String optionalText(ObjectNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw invalid(field, "must be a string");
        }
        return node.asString();
    }

    /** A whole number given as a JSON number or a numeric string; {@code null} when absent. */
    private static Integer optionalInteger(ObjectNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        BigDecimal value;
        if (node.isNumber()) {
            value = node.decimalValue();
        }
        else if (node.isString() && node.asString().matches("[+-]?[0-9]{1,9}(\\.0+)?")) {
            value = new BigDecimal(node.asString());
        }
        else {
            throw invalid(field, "must be a number");
        }
        try {
            return value.stripTrailingZeros().intValueExact();
        }
        catch (ArithmeticException ex) {
            throw invalid(field, "must be a whole number in range");
        }
    }

    private static String printable(String value) {
        String cleaned = value.replaceAll("[^\\x20-\\x7E]", "?");
        return cleaned.length() > 64 ? cleaned.substring(0, 64) + "..." : cleaned;
    }

    private static GatewayException invalid(String field, String problem) {
        return new GatewayException(ErrorCode.INVALID_REQUEST, "The field '" + field + "' " + problem + ".");
    }
}
