package com.example.gateway.deployment;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the shipping files must agree with: the gateway's own application.yaml, and the environment variables it needs
 * to start in production.
 */
final class GatewayConfiguration {

    /** Without these the gateway cannot reach its database or ModelsLab, or cannot be administered. */
    static final List<String> REQUIRED_VARIABLES = List.of("SPRING_DATASOURCE_URL", "SPRING_DATASOURCE_USERNAME",
            "SPRING_DATASOURCE_PASSWORD", "MODELSLAB_API_KEY", "GATEWAY_ADMIN_TOKEN");

    /** Variables whose values are secrets: they come from a Secret in Kubernetes, never from a ConfigMap. */
    static final List<String> SECRET_VARIABLES = List.of("MODELSLAB_API_KEY", "GATEWAY_ADMIN_TOKEN",
            "GATEWAY_FINANCE_TOKEN", "GATEWAY_KEY_HMAC_SECRET", "SPRING_DATASOURCE_PASSWORD");

    /** The image sets this, so the actuator listens apart from the API. */
    static final String MANAGEMENT_PORT_VARIABLE = "MANAGEMENT_SERVER_PORT";

    private static final List<String> SECRET_WORDS = List.of("PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY",
            "APIKEY", "CREDENTIAL");

    private static final List<String> BOOT_PREFIXES = List.of("SPRING_", "SERVER_", "MANAGEMENT_", "LOGGING_");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)(?::([^}]*))?}");

    private final Node application = ProjectFiles.yaml("src/main/resources/application.yaml");

    /** The port server.port falls back to when SERVER_PORT is not set. */
    int defaultServerPort() {
        return Integer.parseInt(placeholderDefault("server", "port"));
    }

    /** A property's plain value in application.yaml. */
    String value(String... path) {
        return String.valueOf(application.text(path));
    }

    /** The environment variable a {@code ${VARIABLE:default}} property reads. */
    String variableOf(String... path) {
        return placeholder(path).group(1);
    }

    String placeholderDefault(String... path) {
        return placeholder(path).group(2);
    }

    private Matcher placeholder(String... path) {
        Matcher matcher = PLACEHOLDER.matcher(String.valueOf(application.text(path)));
        if (!matcher.matches() || matcher.group(2) == null) {
            throw new IllegalStateException(String.join(".", path) + " is not a ${VARIABLE:default} placeholder");
        }
        return matcher;
    }

    Set<String> exposedEndpoints() {
        return Set.of(application.text("management", "endpoints", "web", "exposure", "include").split("\\s*,\\s*"));
    }

    String actuatorBasePath() {
        String configured = application.text("management", "endpoints", "web", "base-path");
        return configured == null ? "/actuator" : configured;
    }

    /** Paths under which the health endpoint answers: the endpoint itself and one per health group. */
    Set<String> healthPaths() {
        Set<String> paths = new LinkedHashSet<>();
        if (!exposedEndpoints().contains("health")) {
            return paths;
        }
        String health = actuatorBasePath() + "/health";
        paths.add(health);
        Node healthEndpoint = application.get("management", "endpoint", "health");
        if ("true".equals(healthEndpoint.text("probes", "enabled"))) {
            paths.add(health + "/liveness");
            paths.add(health + "/readiness");
        }
        healthEndpoint.entries("group").keySet().forEach(group -> paths.add(health + "/" + group));
        return paths;
    }

    String prometheusPath() {
        return exposedEndpoints().contains("prometheus") ? actuatorBasePath() + "/prometheus" : null;
    }

    /**
     * Whether setting the variable changes the application: Spring Boot binds its own properties from SPRING_,
     * SERVER_, MANAGEMENT_ and LOGGING_ variables, the JVM reads JAVA_TOOL_OPTIONS, and the gateway's own settings are
     * read only where a {@code ${VARIABLE...}} placeholder in the application's YAML names them. Relaxed binding of a
     * gateway property is not counted: the documented names must be the ones that work.
     */
    static boolean reads(String variable) {
        return BOOT_PREFIXES.stream().anyMatch(variable::startsWith) || variable.equals("JAVA_TOOL_OPTIONS")
                || placeholderVariables().contains(variable);
    }

    private static Set<String> placeholderVariables() {
        Set<String> variables = new LinkedHashSet<>();
        for (String file : List.of("application.yaml", "application-local.yaml")) {
            collectPlaceholders(ProjectFiles.yaml("src/main/resources/" + file), variables);
        }
        return variables;
    }

    private static void collectPlaceholders(Node node, Set<String> variables) {
        if (node.value() instanceof String text) {
            Matcher matcher = PLACEHOLDER.matcher(text);
            while (matcher.find()) {
                variables.add(matcher.group(1));
            }
        }
        node.entries().values().forEach(child -> collectPlaceholders(child, variables));
        node.list().forEach(child -> collectPlaceholders(child, variables));
    }

    /** A name that says the value is a secret; used to find literal secrets in any file. */
    static boolean looksSecret(String name) {
        String upper = name.toUpperCase();
        return SECRET_WORDS.stream().anyMatch(upper::contains);
    }
}
