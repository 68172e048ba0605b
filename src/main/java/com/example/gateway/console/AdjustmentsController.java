package com.example.gateway.console;

import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;

import com.example.gateway.errors.GatewayException;
import com.example.gateway.ledger.Adjustments;
import com.example.gateway.tenant.TenantService;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * A tenant's adjustments of one month, and recording one (a credit is negative), for finance and admins. The entry is
 * {@link Adjustments#record}'s, as {@code POST /admin/tenants/{id}/adjustments} makes it, with that endpoint's rules on
 * the amount, reason and project.
 */
@Controller
@ConsolePage(title = "Adjustments", path = "/console/adjustments", order = 46,
        roles = { ConsoleRole.ADMIN, ConsoleRole.FINANCE }, listed = false)
class AdjustmentsController {

    private final Adjustments adjustments;
    private final TenantService tenants;
    private final Clock clock;

    AdjustmentsController(Adjustments adjustments, TenantService tenants, Clock clock) {
        this.adjustments = adjustments;
        this.tenants = tenants;
        this.clock = clock;
    }

    @GetMapping("/console/adjustments/{tenant}")
    String list(@PathVariable String tenant, @RequestParam(required = false) String month, Model model) {
        YearMonth picked = Amounts.month(month, currentMonth());
        model.addAttribute("tenant", tenants.get(tenant));
        model.addAttribute("month", picked);
        model.addAttribute("adjustments", adjustments.list(tenant, picked));
        return "console/adjustments";
    }

    @PostMapping("/console/adjustments/{tenant}")
    String record(@PathVariable String tenant, @RequestParam Map<String, String> form, Model model,
            RedirectAttributes redirect) {
        YearMonth month;
        try {
            month = Amounts.month(form.get("month"), currentMonth());
            // Adjustments.record checks the rules, the same ones as for the admin API.
            adjustments.record(tenant, FormChecks.amount("amountUsd", form.get("amountUsd")),
                    Amounts.blankToNull(form.get("reason")), month, Amounts.blankToNull(form.get("project")));
        }
        catch (GatewayException ex) {
            if (ex.code().status() == HttpStatus.NOT_FOUND) {
                throw ex;
            }
            model.addAttribute("form", form);
            model.addAttribute("formError", ex.getMessage());
            return list(tenant, null, model);
        }
        redirect.addFlashAttribute("notice", "Adjustment recorded.");
        return "redirect:/console/adjustments/" + tenant + "?month=" + month;
    }

    private YearMonth currentMonth() {
        return YearMonth.now(clock.withZone(ZoneOffset.UTC));
    }
}
