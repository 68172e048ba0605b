package com.example.gateway.deployment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No shipping file gives a secret a value. A value whose name says it is secret may only be empty, or, in the local
 * compose setup, come from the shell with a default that says it is local-only.
 */
class NoLiteralSecretsTest {

    private static final Pattern ASSIGNMENT = Pattern.compile("([A-Za-z0-9_]+)=(.*)");

    private static final Pattern FROM_THE_SHELL = Pattern.compile("\\$\\{[A-Z0-9_]+(:-local-[a-z0-9-]+)?}");

    @Test
    void noYamlFileGivesASecretALiteralValue() {
        List<Path> files = Stream.of(ProjectFiles.yamlFilesUnder("k8s"), ProjectFiles.yamlFilesUnder("ops"),
                List.of(ProjectFiles.path("docker-compose.yml"))).flatMap(List::stream).toList();
        List<String> literals = new ArrayList<>();
        for (Path file : files) {
            ProjectFiles.yamlDocuments(file).forEach(document -> collectLiteralSecrets(document, file + ":", literals));
        }

        assertThat(files).hasSizeGreaterThan(10);
        assertThat(literals).isEmpty();
    }

    @Test
    void composeDefaultsForSecretsAreMarkedLocalOnly() {
        ComposeFile.ofProject().services().forEach((name, service) -> {
            service.strings("environment").forEach((key, value) -> {
                if (GatewayConfiguration.looksSecret(key)) {
                    assertThat(value).as("%s %s", name, key)
                        .matches("\\$\\{[A-Z0-9_]+:-local-[a-z0-9-]+}|local-[a-z0-9-]+");
                }
            });
        });
    }

    @Test
    void rendersNoSecretObjectInAnyOverlay() {
        for (String overlay : List.of("dev", "prod")) {
            assertThat(new Manifests(Kustomize.build(ProjectFiles.path("k8s/overlays/" + overlay))).all("Secret"))
                .as(overlay)
                .isEmpty();
        }
    }

    private static void collectLiteralSecrets(Node node, String where, List<String> literals) {
        node.entries().forEach((key, value) -> {
            String path = where + "/" + key;
            if (value.value() instanceof String text) {
                check(path, key, text, literals);
            }
            collectLiteralSecrets(value, path, literals);
        });
        for (Node item : node.list()) {
            // KEY=value items, as in a configMapGenerator's literals or a compose environment list
            var assignment = ASSIGNMENT.matcher(item.value() instanceof String text ? text : "");
            if (assignment.matches()) {
                check(where + "[]", assignment.group(1), assignment.group(2), literals);
            }
            collectLiteralSecrets(item, where + "[]", literals);
        }
    }

    private static void check(String path, String name, String value, List<String> literals) {
        if (GatewayConfiguration.looksSecret(name) && !value.isEmpty() && !FROM_THE_SHELL.matcher(value).matches()
                && !isLocalOnly(path, value)) {
            literals.add(path + " " + name + " = " + value);
        }
    }

    /** The local compose gateway's simulator key and admin token are the local profile's own published defaults. */
    private static boolean isLocalOnly(String path, String text) {
        return path.contains("docker-compose.yml") && text.startsWith("local-");
    }
}
