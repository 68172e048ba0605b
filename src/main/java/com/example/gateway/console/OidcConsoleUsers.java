package com.example.gateway.console;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * Turns a single sign-on user into a console user: the role from {@code gateway.console.oidc.role-claim}, the tenant
 * of a {@code TENANT} from {@code tenant-claim}. A user whose claims name no role, or a tenant user without a tenant,
 * is refused: company sign-on alone grants nothing here.
 */
final class OidcConsoleUsers implements OAuth2UserService<OidcUserRequest, OidcUser> {

    private final OAuth2UserService<OidcUserRequest, OidcUser> delegate;
    private final ConsoleProperties.Oidc claims;

    OidcConsoleUsers(ConsoleProperties.Oidc claims) {
        this(new OidcUserService(), claims);
    }

    OidcConsoleUsers(OAuth2UserService<OidcUserRequest, OidcUser> delegate, ConsoleProperties.Oidc claims) {
        this.delegate = delegate;
        this.claims = claims;
    }

    @Override
    public OidcUser loadUser(OidcUserRequest request) {
        OidcUser user = delegate.loadUser(request);
        return new ConsoleOidcUser(user, consoleUser(user));
    }

    ConsoleUser consoleUser(OidcUser user) {
        ConsoleRole role = roles(user.getClaims().get(claims.roleClaim())).stream()
            .min(Comparator.naturalOrder())
            .orElseThrow(() -> refused("no console role in claim '" + claims.roleClaim() + "'"));
        String name = Optional.ofNullable(user.getPreferredUsername()).orElse(user.getSubject());
        if (role != ConsoleRole.TENANT) {
            return new ConsoleUser(role, null, name);
        }
        String tenant = user.getClaimAsString(claims.tenantClaim());
        if (tenant == null || tenant.isBlank()) {
            throw refused("a tenant user needs claim '" + claims.tenantClaim() + "'");
        }
        return new ConsoleUser(role, tenant, name);
    }

    private static List<ConsoleRole> roles(Object claim) {
        Collection<?> values = claim instanceof Collection<?> many ? many : claim == null ? List.of() : List.of(claim);
        return values.stream().flatMap(value -> ConsoleRole.parse(String.valueOf(value)).stream()).toList();
    }

    private static OAuth2AuthenticationException refused(String why) {
        return new OAuth2AuthenticationException(new OAuth2Error("access_denied", "Not a console user: " + why, null));
    }
}
