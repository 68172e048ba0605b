package com.example.gateway.upstream;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The ModelsLab account's slots and queue; the admin token guards everything under {@code /admin}. */
@RestController
@Tag(name = "Admin: upstream", description = "The ModelsLab account's slots and the calls waiting for them")
class UpstreamAdminController {

    private final QueueStore store;

    UpstreamAdminController(QueueStore store) {
        this.store = store;
    }

    @GetMapping("/admin/upstream")
    @Operation(summary = "Slots of the ModelsLab account in use and the calls waiting for them, per tenant",
            description = "Across all replicas. effectiveCap is below maxInFlight while ModelsLab's own 429 answers "
                    + "have lowered it; both are null when the account has no cap (calls then never wait).")
    UpstreamView view() {
        return store.view();
    }
}
