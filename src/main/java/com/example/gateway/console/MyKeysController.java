package com.example.gateway.console;

import java.util.UUID;

import com.example.gateway.errors.GatewayException;
import com.example.gateway.tenant.TenantKeys;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * A tenant's own keys: list, issue (the key is shown once, in the answer to the form) and revoke. Revoking a key of
 * another tenant is answered as if the key did not exist.
 */
@Controller
@ConsolePage(title = "My keys", path = "/console/me/keys", order = 120, roles = ConsoleRole.TENANT)
class MyKeysController {

    private final TenantKeys keys;

    MyKeysController(TenantKeys keys) {
        this.keys = keys;
    }

    @GetMapping("/console/me/keys")
    String keys(Authentication authentication, Model model) {
        return page(ConsoleUser.of(authentication).tenant(), model);
    }

    @PostMapping("/console/me/keys")
    String issue(Authentication authentication, @RequestParam(defaultValue = "") String name, Model model) {
        String tenant = ConsoleUser.of(authentication).tenant();
        try {
            model.addAttribute("newKey", keys.create(tenant,
                    Amounts.blankToNull(name) == null ? "console" : name.strip()));
        }
        catch (GatewayException ex) {
            model.addAttribute("keyError", ex.getMessage());
        }
        return page(tenant, model);
    }

    @PostMapping("/console/me/keys/{keyId}/revoke")
    String revoke(Authentication authentication, @PathVariable UUID keyId, RedirectAttributes redirect) {
        keys.revoke(ConsoleUser.of(authentication).tenant(), keyId);
        redirect.addFlashAttribute("notice", "Key revoked.");
        return "redirect:/console/me/keys";
    }

    private String page(String tenant, Model model) {
        model.addAttribute("keys", keys.list(tenant));
        model.addAttribute("keysPath", "/console/me/keys");
        return "console/my-keys";
    }
}
