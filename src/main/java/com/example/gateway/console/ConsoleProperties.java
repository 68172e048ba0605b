package com.example.gateway.console;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The console's sign-in settings.
 *
 * @param financeToken signs in as {@code FINANCE} ({@code GATEWAY_FINANCE_TOKEN}); empty: nobody signs in as finance
 * with a token
 * @param signInFailures failed sign-ins one address may make within {@code signInWindow} before it is refused for the
 * rest of that window, right token or not
 * @param oidc how an OpenID Connect user's role and tenant are read from its claims, when single sign-on is configured
 */
@Validated
@ConfigurationProperties("gateway.console")
record ConsoleProperties(String financeToken, @DefaultValue("10") @Positive int signInFailures,
        @DefaultValue("5m") @NotNull Duration signInWindow, @DefaultValue @Valid Oidc oidc) {

    /**
     * @param roleClaim the claim naming the role: {@code ADMIN}, {@code FINANCE} or {@code TENANT} (a string or a list,
     * such as groups; the strongest role named wins)
     * @param tenantClaim the claim naming the tenant id of a {@code TENANT}
     */
    record Oidc(@DefaultValue("gateway_role") @NotBlank String roleClaim,
            @DefaultValue("gateway_tenant") @NotBlank String tenantClaim) {
    }
}
