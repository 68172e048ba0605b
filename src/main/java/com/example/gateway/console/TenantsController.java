package com.example.gateway.console;

import java.util.LinkedHashMap;
import java.util.Map;

import com.example.gateway.errors.GatewayException;
import com.example.gateway.tenant.CostCentreService;
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
 * Onboarding and running tenants: list, create (in a cost centre or none), change limits and cost centre, suspend and
 * resume. Every change goes through {@link TenantService} with the admin API's own JSON bodies, so it is validated
 * exactly as the API does. Its keys are {@link TenantKeysController}'s.
 */
@Controller
@ConsolePage(title = "Tenants", path = "/console/tenants", order = 20, roles = ConsoleRole.ADMIN)
class TenantsController {

    private static final String[] LIMITS = { "monthlyBudgetUsd", "dailyRequestLimit", "requestsPerMinute",
        "maxConcurrent" };

    private final TenantService tenants;
    private final CostCentreService costCentres;
    private final TenantPage page;
    private final JsonForms forms;

    TenantsController(TenantService tenants, CostCentreService costCentres, TenantPage page, JsonForms forms) {
        this.tenants = tenants;
        this.costCentres = costCentres;
        this.page = page;
        this.forms = forms;
    }

    @GetMapping("/console/tenants")
    String list(Model model) {
        model.addAttribute("tenants", tenants.list());
        model.addAttribute("costCentres", costCentres.list());
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
        fields.put("costCentre", form.get("costCentre"));
        try {
            TenantView created = tenants.create(forms.body(fields, false));
            return "redirect:/console/tenants/" + created.id() + "?created";
        }
        catch (GatewayException ex) {
            model.addAttribute("form", form);
            model.addAttribute("formError", ex.getMessage());
            return list(model);
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
        fields.put("costCentre", form.get("costCentre"));
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

    private String page(String id, Model model) {
        return page.render(id, model);
    }
}
