package com.example.gateway.console;

import java.io.Serializable;
import java.util.List;
import java.util.UUID;

import org.springframework.security.core.AuthenticatedPrincipal;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A signed-in console user: its role and, for {@code TENANT}, the one tenant it may see. Kept in the session, which
 * lives in PostgreSQL, so it holds no token or key.
 *
 * @param name what the page header shows: the role, the tenant or the single sign-on user's name
 * @param key the id (not the key) of the tenant key signed in with, checked again on every page; null otherwise
 */
record ConsoleUser(ConsoleRole role, String tenant, String name, UUID key)
        implements AuthenticatedPrincipal, Serializable {

    ConsoleUser(ConsoleRole role, String tenant, String name) {
        this(role, tenant, name, null);
    }

    ConsoleUser {
        if ((role == ConsoleRole.TENANT) != (tenant != null)) {
            throw new IllegalArgumentException("A tenant user names its tenant, and only a tenant user does");
        }
    }

    /** What the session store records as the principal: the role, and the tenant of a tenant user. */
    @Override
    public String getName() {
        return tenant == null ? role.name() + ":" + name : role.name() + ":" + tenant;
    }

    boolean is(ConsoleRole... roles) {
        return List.of(roles).contains(role);
    }

    List<GrantedAuthority> authorities() {
        return List.of(new SimpleGrantedAuthority(role.authority()));
    }

    /** The user behind a console request, signed in with a token or with single sign-on. */
    static ConsoleUser of(Authentication authentication) {
        if (authentication != null) {
            if (authentication.getPrincipal() instanceof ConsoleUser user) {
                return user;
            }
            if (authentication.getPrincipal() instanceof ConsoleOidcUser oidc) {
                return oidc.consoleUser();
            }
        }
        throw new IllegalStateException("No console user is signed in");
    }
}
