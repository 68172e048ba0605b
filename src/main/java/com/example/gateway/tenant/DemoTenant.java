package com.example.gateway.tenant;

import java.math.BigDecimal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

/**
 * On the first start of the local run, creates the tenant {@code demo} with a $5 budget and prints its key once, so the
 * README's curl example works at once.
 */
@Component
@ConditionalOnBooleanProperty("gateway.demo.enabled")
class DemoTenant implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoTenant.class);

    private final TenantService tenants;

    DemoTenant(TenantService tenants) {
        this.tenants = tenants;
    }

    @Override
    public void run(ApplicationArguments args) {
        String key = tenants.createIfAbsent("demo", "Demo tenant", new BigDecimal("5.00"));
        if (key != null) {
            log.info("Created the demo tenant 'demo'. Its key, shown only this once: {}", key);
        }
    }
}
