package com.example.gateway.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import com.example.gateway.errors.GatewayException;
import com.example.gateway.tenant.Caller;
import com.example.gateway.tenant.TenantAuthenticator;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * The sign-in form's one field: the admin token signs in as {@code ADMIN}, the finance token as {@code FINANCE}, and a
 * tenant key, checked by the same {@link TenantAuthenticator} as an API call (so a revoked key or a suspended tenant is
 * refused), as that tenant. The session keeps only the role and the tenant, never what was typed.
 */
final class TokenSignIn implements AuthenticationProvider {

    private final byte[] adminToken;
    private final byte[] financeToken;
    private final TenantAuthenticator tenants;
    private final SignInThrottle throttle;

    TokenSignIn(String adminToken, String financeToken, TenantAuthenticator tenants, SignInThrottle throttle) {
        this.adminToken = bytes(adminToken);
        this.financeToken = bytes(financeToken);
        this.tenants = tenants;
        this.throttle = throttle;
    }

    @Override
    public Authentication authenticate(Authentication attempt) {
        String address = attempt.getDetails() instanceof WebAuthenticationDetails details
                ? details.getRemoteAddress() : "unknown";
        if (!throttle.allows(address)) {
            throw new LockedException("Too many failed sign-ins from this address; try again in a few minutes.");
        }
        String token = attempt.getCredentials() == null ? "" : attempt.getCredentials().toString().strip();
        ConsoleUser user = recognise(token);
        if (user == null) {
            throttle.failed(address);
            throw new BadCredentialsException("That token or key is not valid.");
        }
        UsernamePasswordAuthenticationToken signedIn = UsernamePasswordAuthenticationToken.authenticated(user, null,
                user.authorities());
        signedIn.setDetails(attempt.getDetails());
        return signedIn;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }

    private ConsoleUser recognise(String token) {
        byte[] presented = token.getBytes(StandardCharsets.UTF_8);
        if (matches(adminToken, presented)) {
            return new ConsoleUser(ConsoleRole.ADMIN, null, "Admin");
        }
        if (matches(financeToken, presented)) {
            return new ConsoleUser(ConsoleRole.FINANCE, null, "Finance");
        }
        try {
            Caller caller = tenants.authenticate(token, null);
            return new ConsoleUser(ConsoleRole.TENANT, caller.tenantId(), caller.tenantId(), caller.keyId());
        }
        catch (GatewayException ex) {
            return null;
        }
    }

    private static boolean matches(byte[] expected, byte[] presented) {
        return expected != null && presented.length > 0 && MessageDigest.isEqual(expected, presented);
    }

    private static byte[] bytes(String token) {
        return token == null || token.isBlank() ? null : token.getBytes(StandardCharsets.UTF_8);
    }
}
