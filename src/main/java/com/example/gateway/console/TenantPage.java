package com.example.gateway.console;

import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;

import com.example.gateway.report.LedgerReports;
import com.example.gateway.tenant.CostCentreService;
import com.example.gateway.tenant.TenantKeys;
import com.example.gateway.tenant.TenantService;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

/**
 * The admin's page of one tenant, which several controllers answer with (its limits, its keys): the
 * tenant, this month's spending, its keys with their limits and spending, and the cost centres it may join.
 */
@Component
class TenantPage {

    private final TenantService tenants;
    private final TenantKeys keys;
    private final LedgerReports reports;
    private final CostCentreService costCentres;
    private final Clock clock;

    TenantPage(TenantService tenants, TenantKeys keys, LedgerReports reports, CostCentreService costCentres,
            Clock clock) {
        this.tenants = tenants;
        this.keys = keys;
        this.reports = reports;
        this.costCentres = costCentres;
        this.clock = clock;
    }

    String render(String id, Model model) {
        YearMonth month = YearMonth.now(clock.withZone(ZoneOffset.UTC));
        model.addAttribute("tenant", tenants.get(id));
        model.addAttribute("keys", keys.list(id));
        model.addAttribute("keysPath", "/console/tenants/" + id + "/keys");
        model.addAttribute("editLimits", true);
        model.addAttribute("month", month);
        model.addAttribute("usage", reports.tenantUsage(id, month));
        model.addAttribute("costCentres", costCentres.list());
        return "console/tenant";
    }
}
