package com.example.gateway.console;

import java.io.Serial;

import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/** A single sign-on user with the console role and tenant its claims gave it. */
final class ConsoleOidcUser extends DefaultOidcUser {

    @Serial
    private static final long serialVersionUID = 1L;

    private final ConsoleUser consoleUser;

    ConsoleOidcUser(OidcUser user, ConsoleUser consoleUser) {
        super(consoleUser.authorities(), user.getIdToken(), user.getUserInfo());
        this.consoleUser = consoleUser;
    }

    ConsoleUser consoleUser() {
        return consoleUser;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ConsoleOidcUser user && super.equals(user) && consoleUser.equals(user.consoleUser);
    }

    @Override
    public int hashCode() {
        return super.hashCode() * 31 + consoleUser.hashCode();
    }
}
