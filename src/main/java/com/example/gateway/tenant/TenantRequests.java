package com.example.gateway.tenant;

import java.math.BigDecimal;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/** Admin request bodies. Money comes as a JSON string or number and is kept exact. */
final class TenantRequests {

    private TenantRequests() {
    }

    record CreateTenant(@NotNull @Pattern(regexp = "[a-z0-9-]{1,64}", message = "must be 1 to 64 of a-z, 0-9 and -") String id,
            @NotBlank @Size(max = 200) String name, @PositiveOrZero BigDecimal monthlyBudgetUsd,
            @PositiveOrZero Integer dailyRequestLimit, @PositiveOrZero Integer requestsPerMinute,
            @PositiveOrZero Integer maxConcurrent, @Size(max = 2000) String alertWebhookUrl,
            @Size(min = 1, max = 10) List<@NotNull @Min(1) @Max(1000) Integer> alertThresholds) {
    }

    record CreateKey(@NotBlank @Size(max = 200) String name) {
    }
}
