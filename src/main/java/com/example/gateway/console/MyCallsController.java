package com.example.gateway.console;

import java.util.UUID;

import com.example.gateway.report.CallLog;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * A tenant's own calls. The tenant comes only from the session, never from a parameter, and another tenant's call is
 * answered as if it did not exist, so changing a URL shows nothing of anyone else.
 */
@Controller
@ConsolePage(title = "My calls", path = "/console/me/calls", order = 110, roles = ConsoleRole.TENANT)
class MyCallsController {

    private final CallListing listing;
    private final CallLog calls;

    MyCallsController(CallListing listing, CallLog calls) {
        this.listing = listing;
        this.calls = calls;
    }

    @GetMapping("/console/me/calls")
    String list(Authentication authentication, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String outcome,
            @RequestParam(required = false) String cursor, Model model) {
        String tenant = ConsoleUser.of(authentication).tenant();
        CallsController.Filters filters = new CallsController.Filters(tenant, Amounts.blankToNull(from),
                Amounts.blankToNull(to), Amounts.blankToNull(outcome));
        return listing.page(filters, cursor, "/console/me/calls", false, model);
    }

    @GetMapping("/console/me/calls/{requestId}")
    String call(Authentication authentication, @PathVariable UUID requestId, Model model) {
        String tenant = ConsoleUser.of(authentication).tenant();
        model.addAttribute("call", calls.find(requestId)
            .filter(call -> tenant.equals(call.tenant()))
            .orElseThrow(CallsController::noSuchCall));
        model.addAttribute("listPath", "/console/me/calls");
        return "console/call";
    }
}
