package com.example.gateway.tenant;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Admin request bodies besides the limits ({@link TenantLimits}). */
final class TenantRequests {

    private TenantRequests() {
    }

    /** What names a tenant; {@code id} is fixed at creation, {@code name} can change. */
    record Naming(@NotNull @Pattern(regexp = "[a-z0-9-]{1,64}", message = "must be 1 to 64 of a-z, 0-9 and -") String id,
            @NotBlank @Size(max = 200) String name) {
    }

    record CreateKey(@NotBlank @Size(max = 200) String name) {
    }
}
