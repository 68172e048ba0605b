package com.example.gateway.quota;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

/**
 * The admin side of the price table. History is immutable: a new price starts now or later, never in the past, and
 * only a price not yet in effect can be deleted, so every ledger row keeps naming the price it was charged at. Every
 * refusal is a 400 {@code invalid_request} naming the field, or a 409 {@code conflict}, before anything changes.
 */
@Service
public class PriceService {

    private static final Set<String> FIELDS = Set.of("model", "usdPerImage", "usdPerCall", "modelsLabUsdPerImage",
            "modelsLabUsdPerCall", "effectiveFrom");

    private static final int MAX_INTEGER_DIGITS = 10;
    private static final int MAX_DECIMALS = 8;

    private final PriceTable table;
    private final PriceList prices;
    private final Clock clock;
    private final ObjectReader trees;

    PriceService(PriceTable table, PriceList prices, Clock clock, JsonMapper json) {
        this.table = table;
        this.prices = prices;
        this.clock = clock;
        // Money stays exact: parsed as a double, 0.00470001 could lose its last digits.
        this.trees = json.readerFor(JsonNode.class).with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }

    /** The prices in effect at {@code at} (an ISO-8601 instant); without it, those in effect now and those scheduled. */
    public List<PriceView> list(String at) {
        if (at == null) {
            return table.timeline(clock.instant(), true);
        }
        return table.timeline(instant(at, "at"), false);
    }

    public PriceView add(String body) {
        ObjectNode object = object(body);
        for (String field : object.propertyNames()) {
            if (!FIELDS.contains(field)) {
                throw invalid("Unknown field '" + field + "'.");
            }
        }
        JsonNode modelNode = object.get("model");
        if (modelNode == null || !modelNode.isString() || modelNode.asString().isBlank()
                || modelNode.asString().length() > 128) {
            throw invalid("Invalid field 'model' must be a non-blank string of at most 128 characters.");
        }
        BigDecimal perImage = money(object, "usdPerImage");
        BigDecimal perCall = money(object, "usdPerCall");
        if ((perImage == null) == (perCall == null)) {
            throw invalid("Exactly one of the fields 'usdPerImage' and 'usdPerCall' must be given.");
        }
        BigDecimal modelsLabPerImage = money(object, "modelsLabUsdPerImage");
        BigDecimal modelsLabPerCall = money(object, "modelsLabUsdPerCall");
        if (perImage != null && modelsLabPerCall != null) {
            throw invalid("Invalid field 'modelsLabUsdPerCall': a price per image has a ModelsLab cost per image.");
        }
        if (perCall != null && modelsLabPerImage != null) {
            throw invalid("Invalid field 'modelsLabUsdPerImage': a price per call has a ModelsLab cost per call.");
        }
        Instant now = clock.instant();
        JsonNode fromNode = object.get("effectiveFrom");
        Instant from = fromNode == null || fromNode.isNull() ? now
                : instant(fromNode.isString() ? fromNode.asString() : null, "effectiveFrom");
        if (from.isBefore(now)) {
            throw invalid("Invalid field 'effectiveFrom' must be now or later: past prices cannot change.");
        }
        Price price = Price.of(modelNode.asString(), perImage, perCall,
                perImage != null ? modelsLabPerImage : modelsLabPerCall, from);
        PriceView added;
        try {
            added = table.add(price, now);
        }
        catch (DuplicateKeyException ex) {
            throw new GatewayException(ErrorCode.CONFLICT,
                    "The model '" + price.model() + "' already has a price from " + from + ".");
        }
        prices.refresh();
        return added;
    }

    void delete(long id) {
        Boolean deleted = table.deleteScheduled(id, clock.instant());
        if (deleted == null) {
            throw new GatewayException(ErrorCode.NOT_FOUND, "No price with id " + id + ".");
        }
        if (!deleted) {
            throw new GatewayException(ErrorCode.CONFLICT,
                    "The price " + id + " is in effect or was: past prices cannot change.");
        }
        prices.refresh();
    }

    private ObjectNode object(String body) {
        try {
            if (body != null && trees.readTree(body) instanceof ObjectNode object) {
                return object;
            }
        }
        catch (JacksonException ex) {
            // answered below
        }
        throw invalid("The request body must be a JSON object.");
    }

    /** An exact, non-negative amount in USD (a JSON string or number), or null when absent or null. */
    private static BigDecimal money(ObjectNode object, String field) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        BigDecimal amount = null;
        try {
            if (node.isString()) {
                amount = new BigDecimal(node.asString().strip());
            }
            else if (node.isNumber()) {
                amount = node.decimalValue();
            }
        }
        catch (NumberFormatException ex) {
            amount = null;
        }
        if (amount == null || amount.signum() < 0) {
            throw invalid("Invalid field '" + field + "' must be a non-negative amount in USD.");
        }
        BigDecimal exact = amount.stripTrailingZeros();
        if (exact.scale() > MAX_DECIMALS || exact.precision() - exact.scale() > MAX_INTEGER_DIGITS) {
            throw invalid("Invalid field '" + field + "' must have at most " + MAX_INTEGER_DIGITS + " digits before the "
                    + "point and " + MAX_DECIMALS + " after.");
        }
        return amount;
    }

    private static Instant instant(String text, String field) {
        try {
            if (text != null) {
                return Instant.parse(text);
            }
        }
        catch (DateTimeParseException ex) {
            // answered below
        }
        throw invalid("Invalid field '" + field + "' must be an ISO-8601 instant such as 2030-01-01T00:00:00Z.");
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(ErrorCode.INVALID_REQUEST, message);
    }
}
