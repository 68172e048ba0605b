package com.example.gateway.console;

import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;

import com.example.gateway.report.LedgerReports;
import com.example.gateway.report.ReportCsv;
import com.example.gateway.report.UsageQuery;
import com.example.gateway.tenant.TenantService;

import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Monthly statements: every tenant's total for the month picked, and one tenant's statement with its lines, its CSV
 * (the API's {@code ?format=csv} file) and a printable page. All of it is the admin API's statement
 * ({@code GET /admin/tenants/{id}/statement}), so the totals match it, and the ledger, to the cent.
 */
@Controller
@ConsolePage(title = "Statements", path = "/console/statements", order = 40,
        roles = { ConsoleRole.ADMIN, ConsoleRole.FINANCE })
class StatementsController {

    private final LedgerReports reports;
    private final TenantService tenants;
    private final Clock clock;

    StatementsController(LedgerReports reports, TenantService tenants, Clock clock) {
        this.reports = reports;
        this.tenants = tenants;
        this.clock = clock;
    }

    @GetMapping("/console/statements")
    String statements(@RequestParam(required = false) String month, @RequestParam(required = false) String tenant,
            Model model) {
        YearMonth picked = month(month);
        model.addAttribute("month", picked);
        model.addAttribute("tenants", tenants.list());
        model.addAttribute("totals", reports.usage(UsageQuery.parse(picked.atDay(1).toString(),
                picked.atEndOfMonth().toString(), "tenant")));
        String chosen = Amounts.blankToNull(tenant);
        if (chosen != null) {
            model.addAttribute("statement", reports.statement(chosen, picked));
        }
        return "console/statements";
    }

    @GetMapping("/console/statements/{tenant}.csv")
    ResponseEntity<Object> csv(@PathVariable String tenant, @RequestParam(required = false) String month) {
        return ReportCsv.statement(reports.statement(tenant, month(month)));
    }

    @GetMapping("/console/statements/{tenant}/print")
    String print(@PathVariable String tenant, @RequestParam(required = false) String month, Model model) {
        model.addAttribute("statement", reports.statement(tenant, month(month)));
        return "console/statement-print";
    }

    private YearMonth month(String month) {
        return Amounts.month(month, YearMonth.now(clock.withZone(ZoneOffset.UTC)));
    }
}
