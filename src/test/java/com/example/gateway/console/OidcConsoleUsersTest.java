package com.example.gateway.console;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OidcConsoleUsersTest {

    private final OidcConsoleUsers users = new OidcConsoleUsers(request -> {
        throw new UnsupportedOperationException("not called here");
    }, new ConsoleProperties.Oidc("gateway_role", "gateway_tenant"));

    @Test
    void theRoleComesFromTheConfiguredClaimAndTheStrongestRoleNamedWins() {
        ConsoleUser user = users.consoleUser(user(Map.of("gateway_role", List.of("tenant", "finance"),
                "preferred_username", "ana")));

        assertThat(user).isEqualTo(new ConsoleUser(ConsoleRole.FINANCE, null, "ana"));
        assertThat(user.authorities()).extracting(Object::toString).containsExactly("ROLE_FINANCE");
    }

    @Test
    void aTenantUserIsMappedToTheTenantItsClaimNames() {
        ConsoleUser user = users.consoleUser(user(Map.of("gateway_role", "TENANT", "gateway_tenant", "acme")));

        assertThat(user.role()).isEqualTo(ConsoleRole.TENANT);
        assertThat(user.tenant()).isEqualTo("acme");
    }

    @Test
    void companySignOnWithoutAConsoleRoleOrTenantGrantsNothing() {
        assertThatThrownBy(() -> users.consoleUser(user(Map.of("groups", List.of("engineering")))))
            .isInstanceOf(OAuth2AuthenticationException.class);
        assertThatThrownBy(() -> users.consoleUser(user(Map.of("gateway_role", "tenant"))))
            .isInstanceOf(OAuth2AuthenticationException.class);
    }

    private static OidcUser user(Map<String, Object> claims) {
        OidcIdToken token = OidcIdToken.withTokenValue("id-token")
            .subject("user-1")
            .issuedAt(Instant.parse("2026-01-01T00:00:00Z"))
            .expiresAt(Instant.parse("2026-01-01T01:00:00Z"))
            .claims(all -> all.putAll(claims))
            .build();
        return new DefaultOidcUser(List.of(), token);
    }
}
