package com.example.gateway.web;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AdminProperties.class)
class WebConfiguration implements WebMvcConfigurer {

    private final AdminProperties adminProperties;

    WebConfiguration(AdminProperties adminProperties) {
        this.adminProperties = adminProperties;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new AdminTokenInterceptor(adminProperties)).addPathPatterns("/admin/**");
    }
}
