package com.example.gateway.webhook;

import java.util.List;
import java.util.UUID;

import com.example.gateway.webhook.WebhookDeliveries.DeliveryView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Relayed webhook deliveries for ops; the admin token guards everything under {@code /admin}. */
@RestController
@RequestMapping("/admin/webhook-deliveries")
@Tag(name = "Admin: webhooks", description = "Relayed ModelsLab webhooks and their delivery to tenants")
class WebhookDeliveryAdminController {

    private final WebhookDeliveries deliveries;

    WebhookDeliveryAdminController(WebhookDeliveries deliveries) {
        this.deliveries = deliveries;
    }

    @GetMapping
    @Operation(summary = "List webhook deliveries, newest first (at most 200)",
            description = "Filters (optional): tenant; status (pending, delivered, failed). Each delivery shows how "
                    + "many attempts were made and how the last one ended.")
    List<DeliveryView> list(@RequestParam(required = false) String tenant,
            @RequestParam(required = false) String status) {
        return deliveries.list(tenant, status);
    }

    @PostMapping("/{id}/retry")
    @Operation(summary = "Retry a delivery that was given up",
            description = "The delivery is attempted again at once, and retried with backoff for another 24 hours.")
    @ApiResponse(responseCode = "409", description = "`conflict`: the delivery is not failed (pending or delivered)")
    DeliveryView retry(@PathVariable UUID id) {
        return deliveries.retry(id);
    }
}
