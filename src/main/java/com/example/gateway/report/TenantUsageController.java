package com.example.gateway.report;

import java.time.Clock;

import com.example.gateway.tenant.Caller;
import com.example.gateway.tenant.TenantAuthenticator;
import com.example.gateway.web.BearerTokens;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A tenant's own usage, for its dashboards and its engineers. The tenant comes only from the key, never from a
 * parameter, so no key can read another tenant's numbers; the admin token is not a tenant key and is refused.
 */
@RestController
@Tag(name = "Usage", description = "The calling tenant's own spending")
class TenantUsageController {

    private final TenantAuthenticator authenticator;
    private final LedgerReports reports;
    private final ReportRateLimiter rateLimiter;
    private final Clock clock;

    TenantUsageController(TenantAuthenticator authenticator, LedgerReports reports, ReportRateLimiter rateLimiter,
            Clock clock) {
        this.authenticator = authenticator;
        this.reports = reports;
        this.rateLimiter = rateLimiter;
        this.clock = clock;
    }

    @GetMapping("/api/v1/usage")
    @Operation(summary = "The calling tenant's usage in one month (UTC)",
            description = "month is YYYY-MM, the current UTC month by default. spentUsd sums the month's calls and "
                    + "adjustments (adjustmentsUsd); reservedUsd is held by calls still in flight; remainingUsd is "
                    + "the budget less both, or null without a budget. days lists the UTC days with calls. With "
                    + "groupBy=project, projects lists the month per project the tenant's calls named "
                    + "(X-Gateway-Project; null for none). Each tenant may ask a few times a minute (429 "
                    + "rate_limited with Retry-After beyond that).")
    TenantUsage usage(
            @Parameter(hidden = true) @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false)
            String authorization,
            @RequestParam(required = false) String month, @RequestParam(required = false) String groupBy) {
        Caller caller = authenticator.authenticate(BearerTokens.from(authorization), null);
        rateLimiter.acquire("tenant:" + caller.tenantId());
        if (groupBy != null && !groupBy.equals("project")) {
            throw UtcPeriod.invalid("Parameter 'groupBy' takes only project here.");
        }
        return reports.tenantUsage(caller.tenantId(), UtcPeriod.month(month, clock), groupBy != null);
    }
}
