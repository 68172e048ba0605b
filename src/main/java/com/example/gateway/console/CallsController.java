package com.example.gateway.console;

import java.util.UUID;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import com.example.gateway.report.CallLog;
import com.example.gateway.webhook.WebhookDeliveries;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The ledger, newest first, filtered as {@code GET /admin/calls} is and paged by its cursor, and one call's detail
 * with its final outcome and its relayed webhook's delivery, if any.
 * {@link MyCallsController} shows a tenant the same, limited to its own calls.
 */
@Controller
@ConsolePage(title = "Calls", path = "/console/calls", order = 50, roles = { ConsoleRole.ADMIN, ConsoleRole.FINANCE })
class CallsController {

    private final CallLog calls;
    private final CallListing listing;
    private final WebhookDeliveries deliveries;

    CallsController(CallLog calls, CallListing listing, WebhookDeliveries deliveries) {
        this.calls = calls;
        this.listing = listing;
        this.deliveries = deliveries;
    }

    @GetMapping("/console/calls")
    String list(@RequestParam(required = false) String tenant, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String outcome,
            @RequestParam(required = false) String cursor, Model model) {
        Filters filters = new Filters(Amounts.blankToNull(tenant), Amounts.blankToNull(from), Amounts.blankToNull(to),
                Amounts.blankToNull(outcome));
        return listing.page(filters, cursor, "/console/calls", true, model);
    }

    @GetMapping("/console/calls/{requestId}")
    String call(@PathVariable UUID requestId, Model model) {
        model.addAttribute("call", calls.find(requestId).orElseThrow(CallsController::noSuchCall));
        model.addAttribute("listPath", "/console/calls");
        deliveries.forCall(requestId).ifPresent(delivery -> model.addAttribute("delivery", delivery));
        return "console/call";
    }

    static GatewayException noSuchCall() {
        return new GatewayException(ErrorCode.NOT_FOUND, "No such call.");
    }

    /** The listing's filters, blank ones null. */
    public record Filters(String tenant, String from, String to, String outcome) {
    }
}
