package com.example.gateway.report;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The call listing for finance and ops; the admin token guards everything under {@code /admin}. */
@RestController
@Tag(name = "Admin: reports")
class CallAdminController {

    private final CallLog calls;

    CallAdminController(CallLog calls) {
        this.calls = calls;
    }

    @GetMapping("/admin/calls")
    @Operation(summary = "Ledger rows, newest first, a page at a time",
            description = "Filters (all optional): tenant; from and to, UTC days, both included; outcome (success, "
                    + "processing, upstream_rejected, upstream_error, upstream_timeout, upstream_unknown, "
                    + "upstream_rate_limited, abandoned; upstream_timeout and upstream_unknown are the charged calls "
                    + "that ModelsLab may not have done, for reconciliation). limit is 1 to 500, 100 by default. "
                    + "Pass nextCursor back as cursor for the next page; it is absent on the last one. Calls recorded "
                    + "while paging never shift a page: every call that existed at the first page is listed exactly "
                    + "once.")
    CallPage list(@RequestParam(required = false) String tenant, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String outcome,
            @RequestParam(required = false) String cursor, @RequestParam(required = false) String limit) {
        return calls.page(CallQuery.parse(tenant, from, to, outcome, cursor, limit));
    }
}
