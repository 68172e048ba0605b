package com.example.gateway.deployment;

import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ComposeFileTest {

    private final ComposeFile compose = ComposeFile.ofProject();

    private final Node postgres = compose.service("postgres");

    private final Dockerfile dockerfile = Dockerfile.ofProject();

    private final GatewayConfiguration gateway = new GatewayConfiguration();

    @Test
    void runsPostgres17OnANamedVolumeWithAHealthcheck() {
        assertThat(postgres.text("image")).startsWith("postgres:17");
        String volume = postgres.list("volumes").getFirst().text();
        assertThat(volume).isEqualTo("postgres-data:/var/lib/postgresql/data");
        assertThat(compose.root().entries("volumes")).containsKey("postgres-data");
        assertThat(postgres.list("healthcheck", "test").stream().map(Node::text)).anyMatch(
                test -> test.startsWith("pg_isready"));
    }

    @Test
    void gatewaysAreBuiltFromTheDockerfileAndWaitForAHealthyDatabase() {
        assertThat(compose.gateways()).containsKeys("gateway", "gateway-prod-like").allSatisfy((name, service) -> {
            assertThat(service.text("build")).as(name).isEqualTo(".");
            assertThat(service.text("depends_on", "postgres", "condition")).as(name).isEqualTo("service_healthy");
        });
    }

    @Test
    void gatewaysGetEveryRequiredVariableAndTheDatabasesCredentials() {
        Map<String, String> database = postgres.strings("environment");
        compose.gateways().forEach((name, service) -> {
            Map<String, String> environment = service.strings("environment");
            assertThat(environment.keySet()).as(name).containsAll(GatewayConfiguration.REQUIRED_VARIABLES);
            URI jdbc = URI.create(environment.get("SPRING_DATASOURCE_URL").replaceFirst("^jdbc:", ""));
            assertThat(jdbc.getHost()).as(name).isEqualTo("postgres");
            assertThat(jdbc.getPath()).as(name).isEqualTo("/" + database.get("POSTGRES_DB"));
            assertThat(environment.get("SPRING_DATASOURCE_USERNAME")).as(name).isEqualTo(database.get("POSTGRES_USER"));
            assertThat(environment.get("SPRING_DATASOURCE_PASSWORD")).as(name)
                .isEqualTo(database.get("POSTGRES_PASSWORD"));
        });
    }

    @Test
    void everyVariableAGatewayServiceSetsIsOneTheApplicationReads() {
        compose.gateways().forEach((name, service) -> assertThat(service.strings("environment").keySet())
            .as(name)
            .allSatisfy(variable -> assertThat(GatewayConfiguration.reads(variable)).as(variable).isTrue()));
    }

    @Test
    void defaultGatewayCallsItsOwnSimulatorSoTheReadmeExamplesNeedNoModelsLabKey() {
        Node local = compose.service("gateway");
        Map<String, String> environment = local.strings("environment");

        assertThat(local.get("profiles").exists()).as("needs a profile to start").isFalse();
        assertThat(environment).containsEntry("SPRING_PROFILES_ACTIVE", "local")
            .containsEntry("MODELSLAB_BASE_URL", "http://localhost:" + gateway.defaultServerPort() + "/simulator")
            .containsEntry("MODELSLAB_API_KEY", "local-simulator-key");
        assertThat(local.list("ports").stream().map(Node::text))
            .contains("127.0.0.1:" + gateway.defaultServerPort() + ":" + gateway.defaultServerPort());
    }

    @Test
    void prodLikeGatewayRunsTheProductionConfigurationAgainstTheSimulatorOverTheNetwork() {
        Node prodLike = compose.service("gateway-prod-like");
        Map<String, String> environment = prodLike.strings("environment");

        assertThat(prodLike.list("profiles").stream().map(Node::text)).containsExactly("prod-like");
        assertThat(environment).doesNotContainKey("SPRING_PROFILES_ACTIVE")
            .containsEntry("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs")
            .containsEntry("MODELSLAB_BASE_URL",
                    "${MODELSLAB_BASE_URL:-http://gateway:" + gateway.defaultServerPort() + "/simulator}");
        assertThat(prodLike.text("depends_on", "gateway", "condition")).isEqualTo("service_healthy");
    }

    @Test
    void gatewaysReportHealthThroughTheImagesHealthcheck() {
        assertThat(dockerfile.finalStage().all("HEALTHCHECK")).isNotEmpty();
        compose.gateways().forEach((name, service) -> assertThat(service.get("healthcheck").exists())
            .as("%s keeps the image's HEALTHCHECK", name)
            .isFalse());
    }

    @Test
    void publishesPortsOnLoopbackOnlyAndActuatorOnTheImagesManagementPort() {
        compose.services().forEach((name, service) -> assertThat(service.list("ports").stream().map(Node::text))
            .as(name)
            .allMatch(port -> port.startsWith("127.0.0.1:")));
        compose.gateways().forEach((name, service) -> assertThat(service.list("ports").stream().map(Node::text))
            .as(name)
            .anyMatch(port -> port.endsWith(":" + dockerfile.managementPort())));
    }

    @Test
    void observabilityProfileRunsPrometheusAndGrafanaWithFilesThatExist() {
        for (String name : List.of("prometheus", "grafana")) {
            Node service = compose.service(name);
            assertThat(service.list("profiles").stream().map(Node::text)).as(name).containsExactly("observability");
            for (Node volume : service.list("volumes")) {
                String hostPath = volume.text().split(":")[0];
                assertThat(Files.exists(ProjectFiles.path(hostPath))).as("%s mounts %s", name, hostPath).isTrue();
            }
        }
    }
}
