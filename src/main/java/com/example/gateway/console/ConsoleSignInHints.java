package com.example.gateway.console;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * In the local run (with its demo tenant), says at start-up how to sign in to the console as each role. It names the
 * local profile's built-in tokens, and only while their variables are unset, so no chosen secret reaches the log.
 */
@Component
@ConditionalOnBooleanProperty("gateway.demo.enabled")
class ConsoleSignInHints implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(ConsoleSignInHints.class);

    private final Environment environment;

    ConsoleSignInHints(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void run(ApplicationArguments args) {
        String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
        log.info("Console: http://localhost:{}/console. Sign in as ADMIN with {}, as FINANCE with {}, as TENANT with a "
                + "tenant key (the demo key printed when the demo tenant was created, or one issued on the console's "
                + "Tenants page)", port, builtIn("gateway.admin-token", "GATEWAY_ADMIN_TOKEN", "local-admin-token"),
                builtIn("gateway.console.finance-token", "GATEWAY_FINANCE_TOKEN", "local-finance-token"));
    }

    /** The local profile's built-in value when it is in use; otherwise only where the chosen one comes from. */
    private String builtIn(String property, String variable, String localDefault) {
        return localDefault.equals(environment.getProperty(property)) ? "'" + localDefault + "'"
                : "the token you configured (" + variable + ")";
    }
}
