package com.example.gateway.quota;

import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.SchemaProperty;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The price table; the admin token guards everything under {@code /admin}. */
@RestController
@RequestMapping("/admin/prices")
@Tag(name = "Admin: prices", description = "Prices per model, each valid from an instant until the model's next one")
class PriceAdminController {

    private final PriceService prices;

    PriceAdminController(PriceService prices) {
        this.prices = prices;
    }

    @GetMapping
    @Operation(summary = "List the prices in effect now and those scheduled, or those in effect at an instant",
            description = "Prices of the table only; a model without one falls back to the configured price.")
    List<PriceView> list(@Parameter(description = "An ISO-8601 instant, e.g. 2030-01-01T00:00:00Z")
            @RequestParam(required = false) String at) {
        return prices.list(at);
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Add a price for a model from now or a later instant",
            description = "Exactly one of usdPerImage (times samples) and usdPerCall. The expected ModelsLab cost "
                    + "defaults to the tenant price. effectiveFrom defaults to now and may not be in the past.")
    @ApiResponse(responseCode = "409", description = "`conflict`: the model already has a price from that instant")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
            mediaType = "application/json", schema = @Schema(type = "object"), schemaProperties = {
                @SchemaProperty(name = "model", schema = @Schema(type = "string", maxLength = 128)),
                @SchemaProperty(name = "usdPerImage", schema = @Schema(types = { "string", "number" },
                        description = "USD per image, exact; at most 10 digits and 8 decimals")),
                @SchemaProperty(name = "usdPerCall", schema = @Schema(types = { "string", "number" },
                        description = "USD per call, exact; at most 10 digits and 8 decimals")),
                @SchemaProperty(name = "modelsLabUsdPerImage", schema = @Schema(types = { "string", "number" },
                        description = "What ModelsLab is expected to charge per image")),
                @SchemaProperty(name = "modelsLabUsdPerCall", schema = @Schema(types = { "string", "number" },
                        description = "What ModelsLab is expected to charge per call")),
                @SchemaProperty(name = "effectiveFrom", schema = @Schema(type = "string", format = "date-time")) }))
    PriceView add(@RequestBody String body) {
        return prices.add(body);
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Delete a price that is not in effect yet")
    @ApiResponse(responseCode = "409", description = "`conflict`: the price is or was in effect")
    void delete(@PathVariable long id) {
        prices.delete(id);
    }
}
