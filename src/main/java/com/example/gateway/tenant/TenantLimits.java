package com.example.gateway.tenant;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/**
 * A tenant's limits, budget alert settings and cost centre: the one shape that creating a tenant and changing it (a JSON merge
 * patch of this record) are both bound to and validated as. A {@code null} limit does not apply. The bounds are the
 * columns': money is NUMERIC(18,8), counts are INTEGER.
 *
 * @param costCentre the cost centre whose budget the tenant's calls also count against, or {@code null}
 * @param alertThresholds percentages of the monthly budget at which an alert is sent; {@code null} means the defaults,
 * 80 and 100
 * @param webhookAllowedHosts hosts the tenant's generation webhooks may point at (a name, or {@code *.name} for its
 * subdomains), lower case; {@code null}: any host the outbound rules allow
 * @param upstreamShare the tenant's weight in the ModelsLab account's slots when calls wait for them; {@code null}
 * means 1
 */
record TenantLimits(
        @Digits(integer = 10, fraction = 8) @DecimalMin("0") BigDecimal monthlyBudgetUsd,
        @PositiveOrZero Integer dailyRequestLimit,
        @PositiveOrZero Integer requestsPerMinute,
        @PositiveOrZero Integer maxConcurrent,
        @Size(max = 2000) String alertWebhookUrl,
        @Size(min = 1, max = 10) List<@NotNull @Min(1) @Max(1000) Integer> alertThresholds,
        @Pattern(regexp = "[a-z0-9-]{1,64}", message = "must be the id of a cost centre") String costCentre,
        @Size(max = 50) List<@NotNull @Size(max = 253) @Pattern(regexp = HOST) String> webhookAllowedHosts,
        @Min(1) @Max(1000) Integer upstreamShare) {

    static final String HOST = "(\\*\\.)?[a-z0-9-]{1,63}(\\.[a-z0-9-]{1,63})*";

    static final List<Integer> DEFAULT_THRESHOLDS = List.of(80, 100);

    /** A new tenant's limits before its request sets any. */
    static final TenantLimits NONE = new TenantLimits(null, null, null, null, null, null, null, null, null);

    TenantLimits {
        if (upstreamShare == null) {
            upstreamShare = 1;
        }
        if (alertThresholds == null) {
            alertThresholds = DEFAULT_THRESHOLDS;
        }
        else if (alertThresholds.stream().noneMatch(Objects::isNull)) {
            // A threshold is crossed once, so [100, 80, 80] means [80, 100]; nulls are left for validation to name.
            alertThresholds = alertThresholds.stream().distinct().sorted().toList();
        }
        if (webhookAllowedHosts != null && webhookAllowedHosts.stream().noneMatch(Objects::isNull)) {
            webhookAllowedHosts = webhookAllowedHosts.stream().map(host -> host.toLowerCase(Locale.ROOT)).distinct()
                .toList();
        }
    }
}
