package com.example.gateway.console;

import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;

import com.example.gateway.report.LedgerReports;
import com.example.gateway.report.ReportCsv;

import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The month's chargeback, what finance bills from: the rows per cost centre, tenant and project, the grand total, its
 * CSV and a printable page. Page, file and print all come from {@link LedgerReports#chargeback} and the CSV from
 * {@link ReportCsv#chargeback}, the admin API's own code path, so the file is byte for byte
 * {@code GET /admin/chargeback?format=csv} and the total is the ledger's to the cent.
 */
@Controller
@ConsolePage(title = "Chargeback", path = "/console/chargeback", order = 45,
        roles = { ConsoleRole.ADMIN, ConsoleRole.FINANCE })
class ChargebackController {

    private final LedgerReports reports;
    private final Clock clock;

    ChargebackController(LedgerReports reports, Clock clock) {
        this.reports = reports;
        this.clock = clock;
    }

    @GetMapping("/console/chargeback")
    String chargeback(@RequestParam(required = false) String month, Model model) {
        model.addAttribute("chargeback", reports.chargeback(month(month)));
        return "console/chargeback";
    }

    @GetMapping("/console/chargeback.csv")
    ResponseEntity<Object> csv(@RequestParam(required = false) String month) {
        return ReportCsv.chargeback(reports.chargeback(month(month)));
    }

    @GetMapping("/console/chargeback/print")
    String print(@RequestParam(required = false) String month, Model model) {
        model.addAttribute("chargeback", reports.chargeback(month(month)));
        return "console/chargeback-print";
    }

    private YearMonth month(String month) {
        return Amounts.month(month, YearMonth.now(clock.withZone(ZoneOffset.UTC)));
    }
}
