package com.example.gateway.deployment;

import java.net.URI;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every overlay must render to, checked on whatever renders it: the tests' own {@link Kustomize} always, and
 * {@code kubectl kustomize} where it is installed.
 */
abstract class OverlayContract {

    /** CloudNativePG's generated Secret for the application user: {@code <cluster>-app}. */
    private static final String DATABASE_SECRET_SUFFIX = "-app";

    /** Connections kept free for the operator, superusers and a psql session during an incident. */
    private static final int RESERVED_CONNECTIONS = 20;

    /** {@code gateway.quota.admission-threads}' default, which no overlay changes. */
    private static final int DEFAULT_ADMISSION_THREADS = 16;

    abstract Manifests render(String overlay);

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void everyObjectLandsInTheOverlaysNamespaceWhichEnforcesRestrictedPodSecurity(String overlay) {
        Manifests manifests = render(overlay);
        Node namespace = manifests.one("Namespace");

        assertThat(namespace.strings("metadata", "labels")).containsEntry("pod-security.kubernetes.io/enforce",
                "restricted");
        assertThat(manifests.objects()).filteredOn(object -> !"Namespace".equals(object.kind()))
            .allSatisfy(object -> assertThat(object.text("metadata", "namespace"))
                .as("%s %s", object.kind(), object.name())
                .isEqualTo(namespace.name()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void deploymentRunsAnImageFromTheRegistryWithAnExplicitTag(String overlay) {
        String image = render(overlay).gatewayContainer().text("image");

        assertThat(image).matches("[a-z0-9.-]+\\.[a-z]+/[a-z0-9./-]+[:@].+").doesNotEndWith(":latest");
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void everyRequiredVariableComesFromTheConfigMapOrASecret(String overlay) {
        Manifests manifests = render(overlay);
        Set<String> provided = new HashSet<>(manifests.gatewayConfigMap().strings("data").keySet());
        manifests.gatewayContainer().list("env").forEach(variable -> {
            assertThat(variable.get("valueFrom", "secretKeyRef").exists())
                .as("%s comes from a Secret", variable.text("name"))
                .isTrue();
            provided.add(variable.text("name"));
        });

        assertThat(provided).containsAll(GatewayConfiguration.REQUIRED_VARIABLES)
            .containsAll(GatewayConfiguration.SECRET_VARIABLES);
        assertThat(manifests.gatewayConfigMap().strings("data"))
            .containsEntry("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs")
            .doesNotContainKeys(GatewayConfiguration.SECRET_VARIABLES.toArray(String[]::new))
            .allSatisfy((key, value) -> assertThat(GatewayConfiguration.looksSecret(key)).as(key).isFalse());
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void everyVariableTheDeploymentSetsIsOneTheApplicationReads(String overlay) {
        Manifests manifests = render(overlay);
        Set<String> set = new HashSet<>(manifests.gatewayConfigMap().strings("data").keySet());
        manifests.gatewayContainer().list("env").forEach(variable -> set.add(variable.text("name")));

        assertThat(set).allSatisfy(variable -> assertThat(GatewayConfiguration.reads(variable)).as(variable).isTrue());
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void secretsAreReferencedNeverRenderedAndComeFromTheTemplateOrTheDatabaseOperator(String overlay) {
        Manifests manifests = render(overlay);
        Node template = ProjectFiles.yaml("k8s/base/secret.template.yaml");
        String databaseSecret = manifests.one("Cluster").name() + DATABASE_SECRET_SUFFIX;

        assertThat(manifests.all("Secret")).isEmpty();
        assertThat(manifests.gatewayContainer().list("env")).allSatisfy(variable -> {
            Node reference = variable.get("valueFrom", "secretKeyRef");
            if (reference.text("name").equals(databaseSecret)) {
                assertThat(reference.text("key")).isIn("username", "password");
            }
            else {
                assertThat(reference.text("name")).isEqualTo(template.name());
                assertThat(template.strings("stringData")).containsKey(reference.text("key"));
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void gatewayConnectsToTheClustersPrimaryAsTheDatabaseOwner(String overlay) {
        Manifests manifests = render(overlay);
        Node cluster = manifests.one("Cluster");
        Map<String, String> config = manifests.gatewayConfigMap().strings("data");
        URI jdbc = URI.create(config.get("SPRING_DATASOURCE_URL").replaceFirst("^jdbc:", ""));

        assertThat(jdbc.getHost()).isEqualTo(cluster.name() + "-rw");
        assertThat(jdbc.getPath()).isEqualTo("/" + cluster.text("spec", "bootstrap", "initdb", "database"));
        assertThat(config.get("SPRING_DATASOURCE_USERNAME"))
            .isEqualTo(cluster.text("spec", "bootstrap", "initdb", "owner"));
        assertThat(manifests.gatewayContainer().list("env")).anySatisfy(variable -> {
            assertThat(variable.text("name")).isEqualTo("SPRING_DATASOURCE_PASSWORD");
            assertThat(variable.text("valueFrom", "secretKeyRef", "name"))
                .isEqualTo(cluster.name() + DATABASE_SECRET_SUFFIX);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void networkPolicyLetsTheGatewayReachTheDatabasePods(String overlay) {
        Manifests manifests = render(overlay);
        Map<String, String> podLabels = manifests.one("Cluster").strings("spec", "inheritedMetadata", "labels");

        assertThat(Manifests.selects(manifests.databaseEgressSelector(), podLabels))
            .isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void databaseAcceptsEveryReplicasPoolAtMaximumScaleDuringARollout(String overlay) {
        Manifests manifests = render(overlay);
        int maxReplicas = manifests.one("HorizontalPodAutoscaler").integer("spec", "maxReplicas");
        int surge = manifests.deployment().integer("spec", "strategy", "rollingUpdate", "maxSurge");
        int poolSize = manifests.gatewayConfigMap().integer("data", "GATEWAY_DB_POOL_SIZE");
        int maxConnections = manifests.one("Cluster").integer("spec", "postgresql", "parameters", "max_connections");

        assertThat((maxReplicas + surge) * poolSize).isLessThanOrEqualTo(maxConnections - RESERVED_CONNECTIONS);
        // Reports have a pool of their own, which counts too where it reads from the primary.
        Map<String, String> config = manifests.gatewayConfigMap().strings("data");
        String reportsUrl = config.get("GATEWAY_REPORTS_DATASOURCE_URL");
        if (reportsUrl == null || URI.create(reportsUrl.replaceFirst("^jdbc:", "")).getHost().endsWith("-rw")) {
            int reportsPool = Integer.parseInt(config.getOrDefault("GATEWAY_REPORTS_POOL_SIZE",
                    new GatewayConfiguration().placeholderDefault("gateway", "reports", "datasource",
                            "maximum-pool-size")));
            assertThat((maxReplicas + surge) * (poolSize + reportsPool))
                .isLessThanOrEqualTo(maxConnections - RESERVED_CONNECTIONS);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void mainPoolIsLargerThanTheAdmissionThreadsSoThatTheGatewayStarts(String overlay) {
        int poolSize = render(overlay).gatewayConfigMap().integer("data", "GATEWAY_DB_POOL_SIZE");

        assertThat(poolSize).as("PoolSizingCheck refuses to start otherwise").isGreaterThan(DEFAULT_ADMISSION_THREADS);
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void fetchLinksNameTheGatewaysServiceNotTheHostAClientSent(String overlay) {
        Manifests manifests = render(overlay);
        Node service = manifests.one("Service");
        URI base = URI.create(manifests.gatewayConfigMap().text("data", "GATEWAY_PUBLIC_BASE_URL"));
        int httpPort = service.list("spec", "ports").stream()
            .filter(port -> "http".equals(port.text("name")))
            .mapToInt(port -> port.integer("port"))
            .findFirst()
            .orElseThrow();

        assertThat(base.getHost()).isEqualTo(service.name() + "." + service.text("metadata", "namespace") + ".svc");
        assertThat(base.getPort() == -1 ? 80 : base.getPort()).isEqualTo(httpPort);
        assertThat(base.getScheme()).isEqualTo("http");
        assertThat(base.getPath()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = { "prod" })
    void productionAcknowledgesACommitOnlyOnceAStandbyHasItToo(String overlay) {
        Node cluster = render(overlay).one("Cluster");
        Node synchronous = cluster.get("spec", "postgresql", "synchronous");
        int standbys = cluster.integer("spec", "instances") - 1;

        assertThat(synchronous.text("method")).isIn("any", "first");
        assertThat(synchronous.integer("number")).isGreaterThanOrEqualTo(1)
            .as("a standby may be lost without stopping writes").isLessThan(standbys);
        assertThat(synchronous.text("dataDurability")).as("never silently back to asynchronous")
            .isIn(null, "required");
    }

    @ParameterizedTest
    @ValueSource(strings = { "prod" })
    void productionReportsReadFromTheStandbysOfTheSameDatabase(String overlay) {
        Manifests manifests = render(overlay);
        Node cluster = manifests.one("Cluster");
        Map<String, String> config = manifests.gatewayConfigMap().strings("data");
        URI main = URI.create(config.get("SPRING_DATASOURCE_URL").replaceFirst("^jdbc:", ""));
        URI reports = URI.create(config.get("GATEWAY_REPORTS_DATASOURCE_URL").replaceFirst("^jdbc:", ""));

        assertThat(reports.getHost()).isEqualTo(cluster.name() + "-ro");
        assertThat(reports.getPort()).isEqualTo(main.getPort());
        assertThat(reports.getPath()).isEqualTo(main.getPath());
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void autoscalerKeepsAtLeastTwoReplicasOfTheRenderedDeployment(String overlay) {
        Manifests manifests = render(overlay);
        Node autoscaler = manifests.one("HorizontalPodAutoscaler");

        assertThat(autoscaler.integer("spec", "minReplicas")).isGreaterThanOrEqualTo(2);
        assertThat(autoscaler.text("spec", "scaleTargetRef", "name")).isEqualTo(manifests.deployment().name());
    }
}
