package com.example.gateway.tenant;

import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.SchemaProperty;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Cost centres, the level above tenants; the admin token guards everything under {@code /admin}. */
@RestController
@RequestMapping("/admin/cost-centres")
@Tag(name = "Admin: cost centres", description = "Budgets that several tenants share")
class CostCentreAdminController {

    private final CostCentreService costCentres;

    CostCentreAdminController(CostCentreService costCentres) {
        this.costCentres = costCentres;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a cost centre",
            description = "monthlyBudgetUsd is optional: without it the cost centre only attributes spending. A "
                    + "tenant joins it with costCentre in POST or PATCH /admin/tenants. Its budget is checked with "
                    + "the tenant's in the same atomic admission step, on every replica; a call it cannot cover gets "
                    + "402 budget_exhausted naming the cost centre.")
    @ApiResponse(responseCode = "409", description = "`conflict`: a cost centre with this id already exists")
    CostCentreView create(@Valid @RequestBody CostCentreService.NewCostCentre request) {
        return costCentres.create(request);
    }

    @GetMapping
    @Operation(summary = "List cost centres with their tenants and this month's spending")
    List<CostCentreView> list() {
        return costCentres.list();
    }

    @GetMapping("/{id}")
    @Operation(summary = "Get a cost centre: its budget, tenants and this month's spending",
            description = "spentUsd is this UTC month's cost of its tenants' calls plus adjustments, reservedUsd what "
                    + "calls in flight hold, remainingUsd what the budget leaves (null without a budget).")
    CostCentreView get(@PathVariable String id) {
        return costCentres.get(id);
    }

    @PatchMapping("/{id}")
    @Operation(summary = "Rename a cost centre or change its budget",
            description = "A JSON merge patch: only the fields sent change; null removes the budget. A lower budget "
                    + "refuses new calls at once; calls in flight still settle at their exact cost.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
            mediaType = "application/json", schema = @Schema(type = "object"), schemaProperties = {
                @SchemaProperty(name = "name", schema = @Schema(type = "string", maxLength = 200)),
                @SchemaProperty(name = "monthlyBudgetUsd", schema = @Schema(types = { "string", "number", "null" },
                        description = "USD, as a string or a number, kept exact")) }))
    CostCentreView update(@PathVariable String id, @RequestBody String patch) {
        return costCentres.update(id, patch);
    }
}
