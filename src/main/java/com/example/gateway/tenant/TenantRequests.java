package com.example.gateway.tenant;

import java.math.BigDecimal;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/** Admin request bodies besides the limits ({@link TenantLimits}). */
public final class TenantRequests {

    private TenantRequests() {
    }

    /** What names a tenant; {@code id} is fixed at creation, {@code name} can change. */
    record Naming(@NotNull @Pattern(regexp = "[a-z0-9-]{1,64}", message = "must be 1 to 64 of a-z, 0-9 and -") String id,
            @NotBlank @Size(max = 200) String name) {
    }

    /** A new key: its name, and optionally its own limits (see {@link TenantKeys.KeyLimits}). */
    public record CreateKey(@NotBlank @Size(max = 200) String name,
            @Digits(integer = 10, fraction = 8) @DecimalMin("0") BigDecimal monthlyBudgetUsd,
            @PositiveOrZero Integer requestsPerMinute) {

        CreateKey(String name) {
            this(name, null, null);
        }
    }
}
