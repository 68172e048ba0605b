package com.example.gateway.console;

import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import com.example.gateway.errors.GatewayException;
import com.example.gateway.report.LedgerReports;
import com.example.gateway.report.ReportCsv;
import com.example.gateway.tenant.CostCentreService;
import com.example.gateway.tenant.CostCentreView;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Cost centres: their budgets against this month's spending, their tenants, and a month's statement with the API's CSV.
 * Finance reads; only admins create a cost centre or change a budget, through {@link CostCentreService} with the admin
 * API's constraints and merge patch, so the console and {@code /admin/cost-centres} answer alike.
 */
@Controller
@ConsolePage(title = "Cost centres", path = "/console/cost-centres", order = 25,
        roles = { ConsoleRole.ADMIN, ConsoleRole.FINANCE })
class CostCentresController {

    private final CostCentreService costCentres;
    private final LedgerReports reports;
    private final FormChecks checks;
    private final JsonForms forms;
    private final Clock clock;

    CostCentresController(CostCentreService costCentres, LedgerReports reports, FormChecks checks, JsonForms forms,
            Clock clock) {
        this.costCentres = costCentres;
        this.reports = reports;
        this.checks = checks;
        this.forms = forms;
        this.clock = clock;
    }

    @GetMapping("/console/cost-centres")
    String list(Model model) {
        model.addAttribute("costCentres", costCentres.list().stream().map(CostCentreRow::of).toList());
        return "console/cost-centres";
    }

    @PostMapping("/console/cost-centres")
    String create(Authentication authentication, @RequestParam Map<String, String> form, Model model) {
        requireAdmin(authentication);
        try {
            CostCentreView created = costCentres.create(checks.valid(new CostCentreService.NewCostCentre(
                    Amounts.blankToNull(form.get("id")), Amounts.blankToNull(form.get("name")),
                    FormChecks.amount("monthlyBudgetUsd", form.get("monthlyBudgetUsd")))));
            return "redirect:/console/cost-centres/" + created.id() + "?created";
        }
        catch (GatewayException ex) {
            model.addAttribute("form", form);
            model.addAttribute("formError", ex.getMessage());
            return list(model);
        }
    }

    @GetMapping("/console/cost-centres/{id}")
    String costCentre(@PathVariable String id, @RequestParam(required = false) String month, Model model) {
        YearMonth picked = month(month);
        model.addAttribute("costCentre", CostCentreRow.of(costCentres.get(id)));
        model.addAttribute("statement", reports.costCentreStatement(id, picked));
        return "console/cost-centre";
    }

    @PostMapping("/console/cost-centres/{id}")
    String change(Authentication authentication, @PathVariable String id, @RequestParam Map<String, String> form,
            Model model, RedirectAttributes redirect) {
        requireAdmin(authentication);
        Map<String, String> fields = new LinkedHashMap<>();
        if (Amounts.blankToNull(form.get("name")) != null) {
            fields.put("name", form.get("name"));
        }
        fields.put("monthlyBudgetUsd", form.get("monthlyBudgetUsd"));
        try {
            costCentres.update(id, forms.body(fields, true));
        }
        catch (GatewayException ex) {
            if (ex.code().status() == HttpStatus.NOT_FOUND) {
                throw ex;
            }
            model.addAttribute("changeError", ex.getMessage());
            return costCentre(id, null, model);
        }
        redirect.addFlashAttribute("notice", "Cost centre saved.");
        return "redirect:/console/cost-centres/" + id;
    }

    @GetMapping("/console/cost-centres/{id}/statement.csv")
    ResponseEntity<Object> statementCsv(@PathVariable String id, @RequestParam(required = false) String month) {
        return ReportCsv.costCentreStatement(reports.costCentreStatement(id, month(month)));
    }

    private static void requireAdmin(Authentication authentication) {
        if (!ConsoleUser.of(authentication).is(ConsoleRole.ADMIN)) {
            throw new ConsoleErrorAdvice.Forbidden();
        }
    }

    private YearMonth month(String month) {
        return Amounts.month(month, YearMonth.now(clock.withZone(ZoneOffset.UTC)));
    }
}
