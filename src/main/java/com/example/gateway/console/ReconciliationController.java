package com.example.gateway.console;

import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import com.example.gateway.reconciliation.Reconciliation;
import com.example.gateway.reconciliation.TopUps;
import com.example.gateway.units.Utc;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * ModelsLab's wallet against the ledger, per interval between balance snapshots, over whole UTC days (at most 31, as
 * the admin API allows); the last seven days by default. Intervals with drift stand out. Finance and admins record a
 * top-up of ModelsLab's account here, through {@link TopUps} as {@code POST /admin/reconciliation/top-ups} does.
 */
@Controller
@ConsolePage(title = "Reconciliation", path = "/console/reconciliation", order = 70,
        roles = { ConsoleRole.ADMIN, ConsoleRole.FINANCE })
class ReconciliationController {

    private static final long MAX_DAYS = 31;

    private final Reconciliation reconciliation;
    private final TopUps topUps;
    private final Clock clock;

    ReconciliationController(Reconciliation reconciliation, TopUps topUps, Clock clock) {
        this.reconciliation = reconciliation;
        this.topUps = topUps;
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

    @PostMapping("/console/reconciliation/top-ups")
    String recordTopUp(@RequestParam Map<String, String> form, Model model, RedirectAttributes redirect) {
        try {
            String at = Amounts.blankToNull(form.get("at"));
            TopUps.TopUp topUp = topUps.record(FormChecks.amount("amountUsd", form.get("amountUsd")),
                    at == null ? null : paidIn(at), Amounts.blankToNull(form.get("note")));
            redirect.addFlashAttribute("notice", "Top-up of " + topUp.amountUsd() + " USD recorded.");
        }
        catch (GatewayException ex) {
            model.addAttribute("topUpForm", form);
            model.addAttribute("topUpError", ex.getMessage());
            return report(null, null, model);
        }
        return "redirect:/console/reconciliation";
    }

    /** A {@code datetime-local} value read as UTC. */
    private static OffsetDateTime paidIn(String local) {
        try {
            return LocalDateTime.parse(local).atOffset(ZoneOffset.UTC);
        }
        catch (DateTimeParseException ex) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST, "Paid in must be a date and time (UTC).");
        }
    }
}
