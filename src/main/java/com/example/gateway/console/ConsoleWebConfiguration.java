package com.example.gateway.console;

import java.io.IOException;
import java.util.List;

import com.example.gateway.tenant.Caller;
import com.example.gateway.tenant.TenantAuthenticator;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.resource.LiteWebJarsResourceResolver;

/**
 * The console's assets and its page-level access rule. Assets are served under {@code /console/assets}: the console's
 * own stylesheet and script, and htmx and uPlot from their WebJars ({@code /console/assets/lib/htmx.org/...}, no
 * version in the path), so nothing is fetched from elsewhere at run time.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleWebConfiguration implements WebMvcConfigurer {

    private final TenantAuthenticator tenants;

    ConsoleWebConfiguration(TenantAuthenticator tenants) {
        this.tenants = tenants;
    }

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/console/assets/lib/**")
            .addResourceLocations("classpath:/META-INF/resources/webjars/")
            .resourceChain(true)
            .addResolver(new LiteWebJarsResourceResolver());
        registry.addResourceHandler("/console/assets/**").addResourceLocations("classpath:/console/assets/");
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new PageAccess(tenants)).addPathPatterns("/console/**");
    }

    /**
     * Refuses a route of a {@link ConsolePage} controller to every role the page does not name, and ends the session
     * of a tenant user whose key was revoked or whose tenant was suspended since it signed in, as the API refuses that
     * key from the next call on.
     */
    static final class PageAccess implements HandlerInterceptor {

        private final TenantAuthenticator tenants;

        PageAccess(TenantAuthenticator tenants) {
            this.tenants = tenants;
        }

        @Override
        public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
                throws IOException {
            if (handler instanceof HandlerMethod method) {
                ConsolePage page = method.getBeanType().getAnnotation(ConsolePage.class);
                if (page != null) {
                    ConsoleUser user = ConsoleUser.of(SecurityContextHolder.getContext().getAuthentication());
                    if (user.key() != null && !tenants.stillValid(new Caller(user.tenant(), user.key()))) {
                        HttpSession session = request.getSession(false);
                        if (session != null) {
                            session.invalidate();
                        }
                        SecurityContextHolder.clearContext();
                        response.sendRedirect(request.getContextPath() + ConsoleSecurityConfiguration.SIGN_IN
                                + "?ended");
                        return false;
                    }
                    if (!List.of(page.roles()).contains(user.role())) {
                        throw new ConsoleErrorAdvice.Forbidden();
                    }
                }
            }
            return true;
        }
    }
}
