package com.example.gateway.console;

import java.util.UUID;

import com.example.gateway.errors.GatewayException;
import com.example.gateway.webhook.WebhookDeliveries;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Relayed webhook deliveries, filtered by tenant and status as {@code GET /admin/webhook-deliveries} is, and retrying a
 * failed one as {@code POST /admin/webhook-deliveries/{id}/retry} does: both go through {@link WebhookDeliveries}. The
 * payload is never shown.
 */
@Controller
@ConsolePage(title = "Webhooks", path = "/console/webhooks", order = 55, roles = ConsoleRole.ADMIN)
class WebhooksController {

    private final WebhookDeliveries deliveries;

    WebhooksController(WebhookDeliveries deliveries) {
        this.deliveries = deliveries;
    }

    @GetMapping("/console/webhooks")
    String list(@RequestParam(required = false) String tenant, @RequestParam(required = false) String status,
            Model model) {
        String chosenTenant = Amounts.blankToNull(tenant);
        String chosenStatus = Amounts.blankToNull(status);
        model.addAttribute("tenant", chosenTenant);
        model.addAttribute("status", chosenStatus);
        model.addAttribute("deliveries", deliveries.list(chosenTenant, chosenStatus));
        return "console/webhooks";
    }

    @PostMapping("/console/webhooks/{id}/retry")
    String retry(@PathVariable UUID id, @RequestParam(required = false) String tenant,
            @RequestParam(required = false) String status, RedirectAttributes redirect) {
        try {
            deliveries.retry(id);
            redirect.addFlashAttribute("notice", "Delivery retried: it is attempted again now.");
        }
        catch (GatewayException ex) {
            if (ex.code().status() == HttpStatus.NOT_FOUND) {
                throw ex;
            }
            redirect.addFlashAttribute("notice", ex.getMessage());
        }
        redirect.addAttribute("tenant", Amounts.blankToNull(tenant));
        redirect.addAttribute("status", Amounts.blankToNull(status));
        return "redirect:/console/webhooks";
    }
}
