package com.example.gateway.console;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

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
        registry.addInterceptor(new PageAccess()).addPathPatterns("/console/**");
    }

    /** Refuses a route of a {@link ConsolePage} controller to every role the page does not name. */
    static final class PageAccess implements HandlerInterceptor {

        @Override
        public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
            if (handler instanceof HandlerMethod method) {
                ConsolePage page = method.getBeanType().getAnnotation(ConsolePage.class);
                if (page != null) {
                    ConsoleUser user = ConsoleUser.of(SecurityContextHolder.getContext().getAuthentication());
                    if (!List.of(page.roles()).contains(user.role())) {
                        throw new ConsoleErrorAdvice.Forbidden();
                    }
                }
            }
            return true;
        }
    }
}
