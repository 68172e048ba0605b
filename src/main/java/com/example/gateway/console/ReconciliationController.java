package com.example.gateway.console;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import com.example.gateway.reconciliation.Reconciliation;
import com.example.gateway.units.Utc;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * ModelsLab's wallet against the ledger, per interval between balance snapshots, over whole UTC days (at most 31, as
 * the admin API allows); the last seven days by default. Intervals with drift stand out.
 */
@Controller
@ConsolePage(title = "Reconciliation", path = "/console/reconciliation", order = 70,
        roles = { ConsoleRole.ADMIN, ConsoleRole.FINANCE })
class ReconciliationController {

    private static final long MAX_DAYS = 31;

    private final Reconciliation reconciliation;
    private final Clock clock;

    ReconciliationController(Reconciliation reconciliation, Clock clock) {
        this.reconciliation = reconciliation;
        this.clock = clock;
    }

    @GetMapping("/console/reconciliation")
    String report(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            Model model) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        LocalDate last = Amounts.day(to, today);
        LocalDate first = Amounts.day(from, last.minusDays(6));
        if (first.isAfter(last) || ChronoUnit.DAYS.between(first, last) + 1 > MAX_DAYS) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST,
                    "Pick a start on or before the end, at most " + MAX_DAYS + " days apart.");
        }
        model.addAttribute("from", first);
        model.addAttribute("to", last);
        model.addAttribute("report", reconciliation.report(Utc.startOf(first).toInstant(),
                Utc.startOf(last.plusDays(1)).toInstant()));
        return "console/reconciliation";
    }
}
