package com.example.gateway.console;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.example.gateway.errors.GatewayException;
import com.example.gateway.tenant.TenantKeys;
import com.example.gateway.tenant.TenantRequests;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * A tenant's keys on its admin page: issue one with its own limits (monthly budget, requests per minute), change them,
 * revoke it. The limits go through the admin API's request record and merge patch, with its checks and messages. A new
 * key is rendered into the answer to the form that issued it and kept nowhere else.
 */
@Controller
@ConsolePage(title = "Tenant keys", path = "/console/tenants", order = 21, roles = ConsoleRole.ADMIN, listed = false)
class TenantKeysController {

    private final TenantKeys keys;
    private final TenantPage page;
    private final FormChecks checks;
    private final JsonForms forms;

    TenantKeysController(TenantKeys keys, TenantPage page, FormChecks checks, JsonForms forms) {
        this.keys = keys;
        this.page = page;
        this.checks = checks;
        this.forms = forms;
    }

    @PostMapping("/console/tenants/{id}/keys")
    String issue(@PathVariable String id, @RequestParam Map<String, String> form, Model model) {
        String name = Amounts.blankToNull(form.get("name"));
        try {
            model.addAttribute("newKey", keys.create(id, checks.valid(new TenantRequests.CreateKey(
                    name == null ? "console" : name,
                    FormChecks.amount("monthlyBudgetUsd", form.get("monthlyBudgetUsd")),
                    FormChecks.whole("requestsPerMinute", form.get("requestsPerMinute"))))));
        }
        catch (GatewayException ex) {
            if (ex.code().status() == HttpStatus.NOT_FOUND) {
                throw ex;
            }
            model.addAttribute("keyError", ex.getMessage());
        }
        return page.render(id, model);
    }

    @PostMapping("/console/tenants/{id}/keys/{keyId}/limits")
    String changeLimits(@PathVariable String id, @PathVariable UUID keyId, @RequestParam Map<String, String> form,
            Model model, RedirectAttributes redirect) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("monthlyBudgetUsd", form.get("monthlyBudgetUsd"));
        fields.put("requestsPerMinute", form.get("requestsPerMinute"));
        try {
            keys.update(id, keyId, forms.body(fields, true));
        }
        catch (GatewayException ex) {
            if (ex.code().status() == HttpStatus.NOT_FOUND) {
                throw ex;
            }
            model.addAttribute("keyError", ex.getMessage());
            return page.render(id, model);
        }
        redirect.addFlashAttribute("notice", "Key limits saved: they apply from the next call on.");
        return "redirect:/console/tenants/" + id;
    }

    @PostMapping("/console/tenants/{id}/keys/{keyId}/revoke")
    String revoke(@PathVariable String id, @PathVariable UUID keyId, RedirectAttributes redirect) {
        keys.revoke(id, keyId);
        redirect.addFlashAttribute("notice", "Key revoked: every replica refuses it from the next call on.");
        return "redirect:/console/tenants/" + id;
    }
}
