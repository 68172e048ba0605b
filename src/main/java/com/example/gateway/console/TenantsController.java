package com.example.gateway.console;

import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.example.gateway.errors.GatewayException;
import com.example.gateway.report.LedgerReports;
import com.example.gateway.tenant.KeyView;
import com.example.gateway.tenant.TenantKeys;
import com.example.gateway.tenant.TenantService;
import com.example.gateway.tenant.TenantView;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Onboarding and running tenants: list, create, change limits, suspend and resume, issue and revoke keys. Every change
 * goes through {@link TenantService} with the admin API's own JSON bodies, so it is validated exactly as the API does.
 * A new key is rendered into the answer to the form that issued it and kept nowhere else: reloading the page does not
 * show it again.
 */
@Controller
@ConsolePage(title = "Tenants", path = "/console/tenants", order = 20, roles = ConsoleRole.ADMIN)
class TenantsController {

    private static final String[] LIMITS = { "monthlyBudgetUsd", "dailyRequestLimit", "requestsPerMinute",
        "maxConcurrent" };

    private final TenantService tenants;
    private final TenantKeys keys;
    private final LedgerReports reports;
    private final JsonForms forms;
    private final Clock clock;

    TenantsController(TenantService tenants, TenantKeys keys, LedgerReports reports, JsonForms forms, Clock clock) {
        this.keys = keys;
        this.tenants = tenants;
        this.reports = reports;
        this.forms = forms;
        this.clock = clock;
    }

    @GetMapping("/console/tenants")
    String list(Model model) {
        model.addAttribute("tenants", tenants.list());
        return "console/tenants";
    }

    @PostMapping("/console/tenants")
    String create(@RequestParam Map<String, String> form, Model model) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("id", form.get("id"));
        fields.put("name", form.get("name"));
        for (String limit : LIMITS) {
            fields.put(limit, form.get(limit));
        }
        try {
            TenantView created = tenants.create(forms.body(fields, false));
            return "redirect:/console/tenants/" + created.id() + "?created";
        }
        catch (GatewayException ex) {
            model.addAttribute("tenants", tenants.list());
            model.addAttribute("form", form);
            model.addAttribute("formError", ex.getMessage());
            return "console/tenants";
        }
    }

    @GetMapping("/console/tenants/{id}")
    String tenant(@PathVariable String id, Model model) {
        return page(id, model);
    }

    @PostMapping("/console/tenants/{id}/limits")
    String changeLimits(@PathVariable String id, @RequestParam Map<String, String> form, Model model,
            RedirectAttributes redirect) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("name", form.get("name"));
        for (String limit : LIMITS) {
            fields.put(limit, form.get(limit));
        }
        if (Amounts.blankToNull(fields.get("name")) == null) {
            fields.remove("name");
        }
        try {
            tenants.update(id, forms.body(fields, true));
        }
        catch (GatewayException ex) {
            if (ex.code().status() == HttpStatus.NOT_FOUND) {
                throw ex;
            }
            model.addAttribute("limitsError", ex.getMessage());
            return page(id, model);
        }
        redirect.addFlashAttribute("notice", "Limits saved.");
        return "redirect:/console/tenants/" + id;
    }

    @PostMapping("/console/tenants/{id}/suspension")
    String suspend(@PathVariable String id, @RequestParam boolean suspended, RedirectAttributes redirect) {
        tenants.update(id, forms.body("suspended", suspended));
        redirect.addFlashAttribute("notice", suspended ? "Tenant suspended: its calls are refused from now on."
                : "Tenant resumed.");
        return "redirect:/console/tenants/" + id;
    }

    @PostMapping("/console/tenants/{id}/keys")
    String issueKey(@PathVariable String id, @RequestParam(defaultValue = "") String name, Model model) {
        try {
            KeyView key = keys.create(id, Amounts.blankToNull(name) == null ? "console" : name.strip());
            model.addAttribute("newKey", key);
        }
        catch (GatewayException ex) {
            if (ex.code().status() == HttpStatus.NOT_FOUND) {
                throw ex;
            }
            model.addAttribute("keyError", ex.getMessage());
        }
        return page(id, model);
    }

    @PostMapping("/console/tenants/{id}/keys/{keyId}/revoke")
    String revokeKey(@PathVariable String id, @PathVariable UUID keyId, RedirectAttributes redirect) {
        keys.revoke(id, keyId);
        redirect.addFlashAttribute("notice", "Key revoked: every replica refuses it from the next call on.");
        return "redirect:/console/tenants/" + id;
    }

    private String page(String id, Model model) {
        YearMonth month = YearMonth.now(clock.withZone(ZoneOffset.UTC));
        TenantView tenant = tenants.get(id);
        model.addAttribute("tenant", tenant);
        model.addAttribute("keys", keys.list(id));
        model.addAttribute("month", month);
        model.addAttribute("usage", reports.tenantUsage(id, month));
        return "console/tenant";
    }
}
