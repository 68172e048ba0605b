package com.example.gateway.deployment;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DockerImageTest {

    private final Dockerfile dockerfile = Dockerfile.ofProject();

    private final Dockerfile.Stage build = dockerfile.stage("build");

    private final Dockerfile.Stage runtime = dockerfile.finalStage();

    private final GatewayConfiguration gateway = new GatewayConfiguration();

    @Test
    void buildsWithTheMavenWrapperOnAJdk25AndRunsOnAJre25() {
        assertThat(build.image()).isEqualTo("eclipse-temurin:25-jdk");
        assertThat(runtime.image()).isEqualTo("eclipse-temurin:25-jre");
        assertThat(build.all("RUN")).anySatisfy(run -> assertThat(run.arguments()).startsWith("./mvnw "));
    }

    @Test
    void resolvesDependenciesBeforeCopyingSourcesSoASourceChangeReusesTheDependencyLayer() {
        Dockerfile.Instruction dependencies = build.all("RUN").getFirst();
        Dockerfile.Instruction sources = copyOf(build, "src/main/");

        assertThat(dependencies.arguments()).contains("./mvnw").contains("dependency:go-offline");
        assertThat(build.indexOf(copyOf(build, "pom.xml"))).isLessThan(build.indexOf(dependencies));
        assertThat(build.indexOf(dependencies)).isLessThan(build.indexOf(sources));
    }

    @Test
    void extractsBootLayersAndCopiesThemFromLeastToMostOftenChanged() {
        assertThat(build.last("RUN").arguments()).contains("-Djarmode=tools")
            .contains(" extract ")
            .contains("--layers")
            .contains("--launcher")
            .contains("--destination target/extracted");

        List<String> copiedLayers = runtime.all("COPY")
            .stream()
            .filter(copy -> "build".equals(copy.flags().get("from")))
            .map(copy -> copy.words().getFirst())
            .toList();
        assertThat(copiedLayers).containsExactly("/workspace/target/extracted/dependencies/",
                "/workspace/target/extracted/spring-boot-loader/",
                "/workspace/target/extracted/snapshot-dependencies/", "/workspace/target/extracted/application/");
    }

    @Test
    void runsAsAFixedNonRootUser() {
        Dockerfile.Instruction user = runtime.last("USER");

        assertThat(user.arguments()).matches("\\d+(:\\d+)?");
        assertThat(dockerfile.runtimeUid()).isPositive();
        assertThat(runtime.indexOf(user)).isGreaterThan(runtime.indexOf(runtime.last("RUN")));
        assertThat(runtime.all("COPY")).allSatisfy(copy -> assertThat(copy.flags()).doesNotContainKey("chown"));
    }

    @Test
    void exposesTheApplicationsServerPortAndTheManagementPort() {
        List<String> exposed = runtime.last("EXPOSE").words();

        assertThat(exposed).containsExactlyInAnyOrder(String.valueOf(gateway.defaultServerPort()),
                String.valueOf(dockerfile.managementPort()));
        assertThat(runtime.environment()).doesNotContainKey(gateway.variableOf("server", "port"));
    }

    @Test
    void healthCheckAsksTheReadinessGroupOnTheManagementPort() {
        Dockerfile.Instruction healthcheck = runtime.last("HEALTHCHECK");
        String command = String.join(" ", healthcheck.execForm());

        assertThat(command).contains("127.0.0.1/${" + GatewayConfiguration.MANAGEMENT_PORT_VARIABLE + "}");
        String path = command.replaceFirst(".*GET (\\S+) HTTP.*", "$1");
        assertThat(gateway.healthPaths()).contains(path);
        assertThat(path).endsWith("/readiness");
        assertThat(healthcheck.flags()).containsKeys("interval", "timeout", "start-period");
    }

    @Test
    void sizesTheHeapFromTheContainersMemoryLimit() {
        String options = runtime.environment().get("JAVA_TOOL_OPTIONS");

        assertThat(options).contains("-XX:MaxRAMPercentage=").doesNotContain("-Xmx");
        assertThat(runtime.last("ENTRYPOINT").execForm()).noneMatch(argument -> argument.startsWith("-Xmx"));
    }

    @Test
    void startsTheJvmAsProcessOneSoSigtermReachesSpringsGracefulShutdown() {
        Dockerfile.Instruction entrypoint = runtime.last("ENTRYPOINT");

        assertThat(entrypoint.isExecForm()).isTrue();
        assertThat(entrypoint.execForm()).containsExactly("java", "org.springframework.boot.loader.launch.JarLauncher");
        assertThat(runtime.all("CMD")).isEmpty();
    }

    @Test
    void bakesNoSecretIntoTheImage() {
        for (Dockerfile.Stage stage : dockerfile.stages()) {
            assertThat(stage.environment().keySet()).noneMatch(GatewayConfiguration::looksSecret);
            assertThat(stage.all("ARG")).allSatisfy(arg -> assertThat(GatewayConfiguration.looksSecret(arg.arguments()))
                .as("ARG %s", arg.arguments())
                .isFalse());
        }
    }

    @Test
    void buildContextHoldsOnlyWhatTheBuildStageCopies() {
        List<String> patterns = ProjectFiles.text(".dockerignore")
            .lines()
            .map(String::strip)
            .filter(line -> !line.isEmpty() && !line.startsWith("#"))
            .toList();
        List<String> copiedSources = build.all("COPY")
            .stream()
            .flatMap(copy -> copy.words().subList(0, copy.words().size() - 1).stream())
            .toList();

        assertThat(patterns.getFirst()).as("deny everything first").isEqualTo("*");
        assertThat(patterns.subList(1, patterns.size()))
            .containsExactlyInAnyOrderElementsOf(copiedSources.stream().map(source -> "!" + source).toList());
    }

    private static Dockerfile.Instruction copyOf(Dockerfile.Stage stage, String source) {
        return stage.all("COPY")
            .stream()
            .filter(copy -> copy.words().contains(source))
            .findFirst()
            .orElseThrow(() -> new AssertionError("No COPY of " + source));
    }
}
