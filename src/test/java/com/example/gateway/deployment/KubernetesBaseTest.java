package com.example.gateway.deployment;

import com.example.gateway.ledger.GroupCommit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KubernetesBaseTest {

    private static final Path BASE = ProjectFiles.path("k8s/base");

    private final Manifests base = new Manifests(Kustomize.build(BASE));

    private final Node container = base.gatewayContainer();

    private final GatewayConfiguration gateway = new GatewayConfiguration();

    private final Dockerfile dockerfile = Dockerfile.ofProject();

    @Test
    void everyFileAKustomizationNamesExists() {
        for (Path file : ProjectFiles.yamlFilesUnder("k8s")) {
            if (file.getFileName().toString().equals("kustomization.yaml")) {
                assertThat(Kustomize.references(file.getParent())).allSatisfy(reference -> assertThat(reference)
                    .as("named by %s", file)
                    .exists());
            }
        }
    }

    @Test
    void podRunsAsTheImagesNonRootUserWithAReadOnlyRootFilesystemAndAWritableTmp() {
        Node pod = base.podSpec().get("securityContext");
        Node own = container.get("securityContext");

        assertThat(pod.text("runAsNonRoot")).isEqualTo("true");
        assertThat(pod.integer("runAsUser")).isEqualTo(dockerfile.runtimeUid()).isPositive();
        assertThat(pod.text("seccompProfile", "type")).isEqualTo("RuntimeDefault");
        assertThat(own.text("readOnlyRootFilesystem")).isEqualTo("true");
        assertThat(own.text("allowPrivilegeEscalation")).isEqualTo("false");
        assertThat(own.list("capabilities", "drop").stream().map(Node::text)).containsExactly("ALL");
        assertThat(base.podSpec().text("automountServiceAccountToken")).isEqualTo("false");

        String tmpVolume = container.list("volumeMounts")
            .stream()
            .filter(mount -> "/tmp".equals(mount.text("mountPath")))
            .map(mount -> mount.text("name"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("Nothing is mounted at /tmp"));
        assertThat(base.podSpec().list("volumes")).anySatisfy(volume -> {
            assertThat(volume.text("name")).isEqualTo(tmpVolume);
            assertThat(volume.get("emptyDir").exists()).isTrue();
        });
    }

    @Test
    void containerPortsAreTheImagesAndTheApplications() {
        assertThat(base.containerPort("http")).isEqualTo(gateway.defaultServerPort());
        assertThat(base.containerPort("management")).isEqualTo(dockerfile.managementPort());
        assertThat(base.gatewayConfigMap().strings("data")).doesNotContainKeys(gateway.variableOf("server", "port"),
                GatewayConfiguration.MANAGEMENT_PORT_VARIABLE);
    }

    @Test
    void probesAskActuatorHealthGroupsThatExistOnTheManagementPort() {
        Map<String, String> expectedPaths = Map.of("startupProbe", "/liveness", "livenessProbe", "/liveness",
                "readinessProbe", "/readiness");
        expectedPaths.forEach((probe, group) -> {
            Node httpGet = container.get(probe, "httpGet");
            assertThat(httpGet.text("path")).as(probe).endsWith(group).isIn(gateway.healthPaths());
            assertThat(httpGet.text("port")).as(probe).isEqualTo("management");
        });
        Node startup = container.get("startupProbe");
        assertThat(startup.integer("periodSeconds") * startup.integer("failureThreshold"))
            .as("seconds allowed for Flyway, including waiting for another replica's migration")
            .isGreaterThanOrEqualTo(120);
    }

    @Test
    void rollingUpdateStartsEachReplacementBeforeStoppingAPod() {
        Node strategy = base.deployment().get("spec", "strategy");

        assertThat(strategy.text("type")).isEqualTo("RollingUpdate");
        assertThat(strategy.text("rollingUpdate", "maxUnavailable")).isEqualTo("0");
        assertThat(strategy.integer("rollingUpdate", "maxSurge")).isPositive();
    }

    @Test
    void gracefulShutdownEndsWithinTheTerminationGracePeriod() {
        String graceVariable = gateway.variableOf("spring", "lifecycle", "timeout-per-shutdown-phase");
        Duration shutdownGrace = duration(base.gatewayConfigMap().text("data", graceVariable));
        List<String> preStop = container.list("lifecycle", "preStop", "exec", "command")
            .stream()
            .map(Node::text)
            .toList();
        Duration preStopSleep = Duration.ofSeconds(Long.parseLong(preStop.getLast()));
        Duration terminationGrace = Duration.ofSeconds(base.podSpec().integer("terminationGracePeriodSeconds"));

        assertThat(preStop.getFirst()).isEqualTo("sleep");
        assertThat(preStopSleep).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(preStopSleep.plus(shutdownGrace).plus(GroupCommit.DRAIN)).isLessThan(terminationGrace);
    }

    /**
     * A call in flight at SIGTERM may take ModelsLab's whole response timeout and then the settlement wait (10s by
     * default, gateway.quota.settle-wait) before it is answered; the shutdown grace covers both (the gateway also
     * refuses to start otherwise), so a rollout never drops a call that ModelsLab is still working on.
     */
    @Test
    void theShutdownGraceCoversACallThatTakesModelsLabsWholeResponseTimeout() {
        Duration shutdownGrace = duration(base.gatewayConfigMap().text("data",
                gateway.variableOf("spring", "lifecycle", "timeout-per-shutdown-phase")));
        Duration responseTimeout = duration(gateway.value("modelslab", "response-timeout"));

        assertThat(shutdownGrace).isGreaterThanOrEqualTo(responseTimeout.plusSeconds(10 + 5));
        assertThat(duration(gateway.placeholderDefault("spring", "lifecycle", "timeout-per-shutdown-phase")))
            .isGreaterThanOrEqualTo(responseTimeout.plusSeconds(10 + 5));
    }

    @Test
    void requestsAndLimitsAreSetAndMemoryIsGuaranteed() {
        Node resources = container.get("resources");

        assertThat(resources.strings("requests")).containsKeys("cpu", "memory");
        assertThat(resources.strings("limits")).containsKeys("cpu", "memory");
        assertThat(resources.text("requests", "memory")).isEqualTo(resources.text("limits", "memory"));
    }

    @Test
    void autoscalerOwnsTheReplicaCountAndKeepsAtLeastTwo() {
        Node autoscaler = base.one("HorizontalPodAutoscaler");

        assertThat(autoscaler.text("spec", "scaleTargetRef", "kind")).isEqualTo("Deployment");
        assertThat(autoscaler.text("spec", "scaleTargetRef", "name")).isEqualTo(base.deployment().name());
        assertThat(autoscaler.integer("spec", "minReplicas")).isGreaterThanOrEqualTo(2);
        assertThat(autoscaler.integer("spec", "maxReplicas")).isGreaterThan(autoscaler.integer("spec", "minReplicas"));
        assertThat(base.deployment().get("spec", "replicas").exists())
            .as("a replica count in the Deployment would undo the autoscaler on every apply")
            .isFalse();
    }

    @Test
    void disruptionBudgetLetsADrainTakeOnePodAtATime() {
        Node budget = base.one("PodDisruptionBudget");

        assertThat(Manifests.selects(budget.strings("spec", "selector", "matchLabels"), base.podLabels())).isTrue();
        assertThat(budget.integer("spec", "maxUnavailable")).isEqualTo(1)
            .isLessThan(base.one("HorizontalPodAutoscaler").integer("spec", "minReplicas"));
    }

    @Test
    void serviceRoutesToTheContainersNamedPorts() {
        Node service = base.one("Service");
        Set<String> containerPorts = container.list("ports")
            .stream()
            .map(port -> port.text("name"))
            .collect(Collectors.toSet());

        assertThat(Manifests.selects(service.strings("spec", "selector"), base.podLabels())).isTrue();
        assertThat(service.list("spec", "ports")).extracting(port -> port.text("targetPort"))
            .containsExactlyInAnyOrderElementsOf(containerPorts);
    }

    @Test
    void serviceMonitorScrapesThePrometheusEndpointOnTheManagementPort() {
        Node monitor = base.one("ServiceMonitor");
        Node service = base.one("Service");
        Node endpoint = monitor.list("spec", "endpoints").getFirst();
        Node servicePort = service.list("spec", "ports")
            .stream()
            .filter(port -> endpoint.text("port").equals(port.text("name")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("The Service has no port " + endpoint.text("port")));

        Map<String, String> selector = monitor.strings("spec", "selector", "matchLabels");
        assertThat(Manifests.selects(selector, service.strings("metadata", "labels"))).isTrue();
        assertThat(servicePort.text("targetPort")).isEqualTo("management");
        assertThat(endpoint.text("path")).isNotNull().isEqualTo(gateway.prometheusPath());
    }

    @Test
    void networkPolicyAdmitsTheApiFromClientNamespacesAndActuatorFromMonitoringOnly() {
        Node policy = base.one("NetworkPolicy");

        assertThat(Manifests.selects(policy.strings("spec", "podSelector", "matchLabels"), base.podLabels())).isTrue();
        assertThat(policy.list("spec", "policyTypes").stream().map(Node::text)).containsExactlyInAnyOrder("Ingress",
                "Egress");
        assertThat(policy.list("spec", "ingress")).allSatisfy(rule -> assertThat(rule.list("from"))
            .isNotEmpty()
            .allSatisfy(peer -> assertThat(peer.entries().keySet()).containsExactly("namespaceSelector")));
        assertThat(ingressPortsFrom(policy, "modelslab-gateway/client", "true")).containsExactly("http");
        assertThat(ingressPortsFrom(policy, "kubernetes.io/metadata.name", "monitoring")).containsExactly("management");
    }

    @Test
    void networkPolicyLetsOutOnlyDnsPostgresAndHttpsToAddressesOutsideTheCluster() {
        Node policy = base.one("NetworkPolicy");
        List<String> ports = policy.list("spec", "egress")
            .stream()
            .flatMap(rule -> rule.list("ports").stream())
            .map(port -> port.text("port") + "/" + port.text("protocol"))
            .toList();
        Node https = policy.list("spec", "egress")
            .stream()
            .filter(rule -> rule.list("ports").stream().anyMatch(port -> "443".equals(port.text("port"))))
            .findFirst()
            .orElseThrow();

        assertThat(ports).containsExactlyInAnyOrder("53/UDP", "53/TCP", "5432/TCP", "443/TCP");
        assertThat(policy.list("spec", "egress")).allSatisfy(rule -> assertThat(rule.list("to")).isNotEmpty());
        assertThat(https.list("to").getFirst().list("ipBlock", "except").stream().map(Node::text))
            .contains("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16");
        assertThat(Manifests.selects(base.databaseEgressSelector(), base.podLabels()))
            .as("the database rule must not match the gateway's own pods")
            .isFalse();
    }

    @Test
    void secretTemplateCoversEverySecretTheDeploymentReadsAndHoldsNoValue() {
        Node template = ProjectFiles.yaml("k8s/base/secret.template.yaml");
        Map<String, String> values = template.strings("stringData");

        assertThat(template.kind()).isEqualTo("Secret");
        assertThat(template.get("data").exists()).isFalse();
        assertThat(values).containsOnlyKeys(GatewayConfiguration.SECRET_VARIABLES.toArray(String[]::new));
        assertThat(values.values()).allSatisfy(value -> assertThat(value).isEmpty());
        assertThat(container.list("env")).extracting(variable -> variable.text("name"))
            .containsExactlyInAnyOrderElementsOf(GatewayConfiguration.SECRET_VARIABLES);
        assertThat(container.list("env")).allSatisfy(variable -> {
            assertThat(variable.text("valueFrom", "secretKeyRef", "name")).as(variable.text("name"))
                .isEqualTo(template.name());
            assertThat(values).containsKey(variable.text("valueFrom", "secretKeyRef", "key"));
        });
    }

    @Test
    void secretTemplateIsNeverAppliedSoAnApplyCannotBlankTheRealSecret() {
        assertThat(Files.exists(BASE.resolve("secret.template.yaml"))).isTrue();
        assertThat(Kustomize.references(BASE)).doesNotContain(BASE.resolve("secret.template.yaml"));
        assertThat(base.all("Secret")).isEmpty();
    }

    private static List<String> ingressPortsFrom(Node policy, String label, String value) {
        return policy.list("spec", "ingress")
            .stream()
            .filter(rule -> rule.list("from")
                .stream()
                .anyMatch(peer -> value.equals(peer.strings("namespaceSelector", "matchLabels").get(label))))
            .flatMap(rule -> rule.list("ports").stream())
            .map(port -> port.text("port"))
            .toList();
    }

    /** A Spring-style duration such as {@code 25s} or {@code 2m}. */
    private static Duration duration(String text) {
        return Duration.parse("PT" + text.toUpperCase());
    }
}
