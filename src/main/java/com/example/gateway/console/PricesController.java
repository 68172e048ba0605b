package com.example.gateway.console;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import com.example.gateway.quota.PriceService;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The price table, in effect and scheduled, and (for admins) scheduling a new price through {@link PriceService}, with
 * the admin API's rules: a price starts now or later, never in the past. Times are UTC.
 */
@Controller
@ConsolePage(title = "Prices", path = "/console/prices", order = 60, roles = { ConsoleRole.ADMIN, ConsoleRole.FINANCE })
class PricesController {

    private final PriceService prices;
    private final JsonForms forms;

    PricesController(PriceService prices, JsonForms forms) {
        this.prices = prices;
        this.forms = forms;
    }

    @GetMapping("/console/prices")
    String list(Model model) {
        model.addAttribute("prices", prices.list(null));
        return "console/prices";
    }

    @PostMapping("/console/prices")
    String schedule(Authentication authentication, @RequestParam Map<String, String> form, Model model,
            RedirectAttributes redirect) {
        if (!ConsoleUser.of(authentication).is(ConsoleRole.ADMIN)) {
            throw new ConsoleErrorAdvice.Forbidden();
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("model", form.get("model"));
        boolean perCall = "call".equals(form.get("per"));
        fields.put(perCall ? "usdPerCall" : "usdPerImage", form.get("usd"));
        fields.put(perCall ? "modelsLabUsdPerCall" : "modelsLabUsdPerImage", form.get("modelsLabUsd"));
        try {
            fields.put("effectiveFrom", utc(form.get("effectiveFrom")));
            prices.add(forms.body(fields, false));
        }
        catch (GatewayException ex) {
            model.addAttribute("prices", prices.list(null));
            model.addAttribute("form", form);
            model.addAttribute("formError", ex.getMessage());
            return "console/prices";
        }
        redirect.addFlashAttribute("notice", "Price scheduled.");
        return "redirect:/console/prices";
    }

    /** A {@code datetime-local} value read as UTC, as an ISO-8601 instant; blank means now. */
    private static String utc(String local) {
        String value = Amounts.blankToNull(local);
        if (value == null) {
            return null;
        }
        try {
            return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC).toString();
        }
        catch (DateTimeParseException ex) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST, "The start must be a date and time (UTC).");
        }
    }
}
