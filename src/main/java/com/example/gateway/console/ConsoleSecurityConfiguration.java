package com.example.gateway.console;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import com.example.gateway.tenant.TenantAuthenticator;
import com.example.gateway.web.AdminProperties;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.ExceptionMappingAuthenticationFailureHandler;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * Spring Security for the console, and for nothing else. The filter chain matches only {@code /console/**}, and the
 * servlet filters of Spring Security and Spring Session are registered for those paths only, so an API call never
 * passes through them: no session, cookie, CSRF check, firewall or extra header on {@code /admin}, the client routes,
 * actuator or the OpenAPI documents, which keep their own Bearer-token checks exactly as before.
 * <p>
 * Sessions live in PostgreSQL (Spring Session JDBC, migration V14), so any replica behind the load balancer serves a
 * signed-in user; the cookie is HttpOnly, limited to {@code /console}, SameSite=Lax, and Secure whenever the request
 * came over TLS. Every form and htmx request carries the CSRF token.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
@EnableConfigurationProperties(ConsoleProperties.class)
class ConsoleSecurityConfiguration {

    static final String SIGN_IN = "/console/sign-in";

    /** The bean of Spring Security's {@code SecurityReactorContextConfiguration} that installs its Reactor hook. */
    static final String REACTOR_CONTEXT_REGISTRAR = "securityReactorContextSubscriberRegistrar";

    private static final String[] CONSOLE_PATHS = { "/console", "/console/*" };

    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; "
            + "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";

    private static final String FORBIDDEN_PAGE = """
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>403 Forbidden</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <link rel="stylesheet" href="/console/assets/console.css"></head>
            <body><main id="main" class="narrow"><h1>403 Forbidden</h1>
            <p role="alert">This form did not come from a console page of your session, so nothing was changed.
            Reload the page and try again.</p><p><a href="/console">Back to the console</a></p></main></body></html>
            """;

    @Bean
    SecurityFilterChain consoleSecurity(HttpSecurity http, AdminProperties admin, ConsoleProperties console,
            TenantAuthenticator tenants, Clock clock, ObjectProvider<ClientRegistrationRepository> singleSignOn)
            throws Exception {
        SignInThrottle throttle = new SignInThrottle(console.signInFailures(), console.signInWindow(), clock);
        ExceptionMappingAuthenticationFailureHandler failure = new ExceptionMappingAuthenticationFailureHandler();
        failure.setDefaultFailureUrl(SIGN_IN + "?error");
        failure.setExceptionMappings(Map.of(LockedException.class.getName(), SIGN_IN + "?throttled"));
        LoginUrlAuthenticationEntryPoint signInPage = new LoginUrlAuthenticationEntryPoint(SIGN_IN);
        http.securityMatcher("/console", "/console/**")
            .authorizeHttpRequests(requests -> requests
                .requestMatchers(SIGN_IN, "/console/assets/**", "/console/oauth2/**").permitAll()
                .anyRequest().authenticated())
            .authenticationProvider(new TokenSignIn(admin.adminToken(), console.financeToken(), tenants, throttle))
            .formLogin(form -> form.loginPage(SIGN_IN)
                .passwordParameter("token")
                .successHandler(ConsoleSecurityConfiguration::home)
                .failureHandler(failure))
            .logout(logout -> logout.logoutUrl("/console/sign-out")
                .logoutSuccessUrl(SIGN_IN + "?signedOut"))
            .exceptionHandling(errors -> errors.authenticationEntryPoint((request, response, ex) -> {
                // An htmx request whose session ended: tell htmx to load the sign-in page, not to swap it into a table.
                if (request.getHeader("HX-Request") != null) {
                    response.setHeader("HX-Redirect", SIGN_IN);
                    response.sendError(HttpStatus.UNAUTHORIZED.value());
                    return;
                }
                signInPage.commence(request, response, ex);
            }))
            .exceptionHandling(errors -> errors.accessDeniedHandler((request, response, ex) -> {
                // In practice a missing or stale CSRF token: a forged form, or a page left open past its session.
                response.setStatus(HttpStatus.FORBIDDEN.value());
                response.setContentType("text/html;charset=UTF-8");
                response.getWriter().write(FORBIDDEN_PAGE);
            }))
            .headers(headers -> headers
                .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN)));
        if (singleSignOn.getIfAvailable() != null) {
            // Company single sign-on when spring.security.oauth2.client.* is configured; its redirect URI must be
            // {baseUrl}/console/oauth2/code/{registrationId}, so that it stays under this chain.
            http.oauth2Login(oidc -> oidc.loginPage(SIGN_IN)
                .authorizationEndpoint(endpoint -> endpoint.baseUri("/console/oauth2/authorization"))
                .redirectionEndpoint(endpoint -> endpoint.baseUri("/console/oauth2/code/*"))
                .userInfoEndpoint(userInfo -> userInfo.oidcUserService(new OidcConsoleUsers(console.oidc())))
                .successHandler(ConsoleSecurityConfiguration::home)
                .failureUrl(SIGN_IN + "?error"));
        }
        return http.build();
    }

    /** After signing in, a tenant lands on its own usage, everyone else on the overview. */
    private static void home(HttpServletRequest request, HttpServletResponse response, Authentication signedIn)
            throws IOException {
        boolean tenant = ConsoleUser.of(signedIn).is(ConsoleRole.TENANT);
        response.sendRedirect(request.getContextPath() + (tenant ? "/console/me" : "/console"));
    }

    /**
     * Narrows the servlet registrations of Spring Security's and Spring Session's filters, which Boot maps to every
     * path, to the console's paths.
     */
    @Bean
    static BeanPostProcessor consoleFiltersOnly() {
        List<String> registrations = List.of("securityFilterChainRegistration", "sessionRepositoryFilterRegistration");
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String name) {
                if (bean instanceof DelegatingFilterProxyRegistrationBean registration
                        && registrations.contains(name)) {
                    registration.setUrlPatterns(List.of(CONSOLE_PATHS));
                }
                return bean;
            }
        };
    }

    /**
     * Leaves the API's WebClient calls out of Spring Security. With its OAuth2 client (the console's single sign-on) and
     * WebClient on the class path, Spring Security registers a Reactor hook that wraps every operator of every WebClient
     * call, to carry the servlet request and the signed-in user into Reactor's context for the OAuth2 client's WebClient
     * filter. The gateway's WebClient calls ModelsLab and webhooks on nobody's behalf and uses no such filter, and the
     * hook was about 5 % of the gateway's CPU under load (bench/RESULTS.md), so its registrar is not created.
     */
    @Bean
    static BeanDefinitionRegistryPostProcessor noSecurityContextInWebClientCalls() {
        return registry -> {
            if (registry.containsBeanDefinition(REACTOR_CONTEXT_REGISTRAR)) {
                registry.removeBeanDefinition(REACTOR_CONTEXT_REGISTRAR);
            }
        };
    }
}
