package com.example.gateway.console;

import java.util.Arrays;
import java.util.List;

import com.example.gateway.quota.CallOutcome;
import com.example.gateway.report.CallLog;
import com.example.gateway.report.CallPage;
import com.example.gateway.report.CallQuery;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

/** One page of the ledger for the calls pages, through the admin API's own query and keyset cursor. */
@Component
class CallListing {

    static final String PAGE_SIZE = "50";
    static final List<String> OUTCOMES = Arrays.stream(CallOutcome.values()).map(CallOutcome::dbValue).toList();

    private final CallLog calls;

    CallListing(CallLog calls) {
        this.calls = calls;
    }

    /** Renders one page of calls; {@code tenant} in {@code filters} is already the only tenant allowed, if any. */
    String page(CallsController.Filters filters, String cursor, String path, boolean showTenant, Model model) {
        CallPage page = calls.page(CallQuery.parse(filters.tenant(), filters.from(), filters.to(), filters.outcome(),
                Amounts.blankToNull(cursor), PAGE_SIZE));
        model.addAttribute("filters", filters);
        model.addAttribute("outcomes", OUTCOMES);
        model.addAttribute("page", page);
        model.addAttribute("path", path);
        model.addAttribute("showTenant", showTenant);
        model.addAttribute("firstPage", cursor == null || cursor.isBlank());
        return "console/calls";
    }
}
