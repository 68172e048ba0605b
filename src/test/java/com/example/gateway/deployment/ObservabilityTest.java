package com.example.gateway.deployment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.example.gateway.quota.CallOutcome;
import com.example.gateway.errors.ErrorCode;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ObservabilityTest {

    /** What the gateway publishes on its Prometheus endpoint, by Prometheus name. */
    private static final Set<String> GATEWAY_METRICS = Set.of("gateway_calls_total", "gateway_cost_usd_total",
            "gateway_quota_rejections_total", "gateway_upstream_latency_seconds_bucket",
            "gateway_upstream_latency_seconds_count", "gateway_upstream_latency_seconds_sum",
            "gateway_added_latency_seconds_bucket", "gateway_added_latency_seconds_count",
            "gateway_added_latency_seconds_sum", "gateway_admission_latency_seconds_bucket",
            "gateway_admission_latency_seconds_count", "gateway_admission_latency_seconds_sum",
            "gateway_settlement_latency_seconds_bucket", "gateway_settlement_latency_seconds_count",
            "gateway_settlement_latency_seconds_sum", "gateway_inflight_calls", "gateway_reservations_swept_total",
            "gateway_modelslab_balance_usd", "gateway_modelslab_low_balance_threshold_usd",
            "gateway_reconciliation_drift_usd", "gateway_reconciliation_drift_threshold_usd",
            "gateway_reconciliation_gaps_total", "gateway_upstream_slots_in_use", "gateway_upstream_effective_cap",
            "gateway_upstream_waiting", "gateway_upstream_wait_seconds_sum", "gateway_upstream_wait_seconds_count",
            "gateway_upstream_queue_full_absorbed_total",
            "http_server_requests_seconds_count", "http_server_requests_seconds_sum",
            "http_server_requests_seconds_bucket", "http_server_requests_seconds_max");

    /** kube-state-metrics series the alerts may use besides the gateway's own. */
    private static final Set<String> KUBE_STATE_METRICS = Set.of("kube_deployment_status_replicas_ready",
            "kube_deployment_spec_replicas");

    private static final Pattern METRIC = Pattern.compile("\\b((?:gateway|http_server|kube)_[a-z_]+)\\b");

    private final ComposeFile compose = ComposeFile.ofProject();

    private final Node dashboard = ProjectFiles.json("ops/grafana/gateway-dashboard.json");

    private final Dockerfile dockerfile = Dockerfile.ofProject();

    private final GatewayConfiguration gateway = new GatewayConfiguration();

    @Test
    void prometheusScrapesEveryComposeGatewayOnItsManagementPort() {
        Node job = ProjectFiles.yaml("ops/prometheus/prometheus.yml").list("scrape_configs").getFirst();
        List<String> targets = job.list("static_configs")
            .stream()
            .flatMap(config -> config.list("targets").stream())
            .map(Node::text)
            .toList();
        List<String> gateways = compose.gateways()
            .keySet()
            .stream()
            .map(service -> service + ":" + dockerfile.managementPort())
            .toList();

        assertThat(job.text("metrics_path")).isEqualTo(gateway.prometheusPath());
        assertThat(targets).containsExactlyInAnyOrderElementsOf(gateways);
    }

    @Test
    void grafanaReadsTheComposePrometheusAndTheMountedDashboard() {
        Node datasource = ProjectFiles.yaml("ops/grafana/provisioning/datasources/prometheus.yml")
            .list("datasources")
            .getFirst();
        Node provider = ProjectFiles.yaml("ops/grafana/provisioning/dashboards/modelslab-gateway.yml")
            .list("providers")
            .getFirst();
        List<String> grafanaVolumes = compose.service("grafana").list("volumes").stream().map(Node::text).toList();

        assertThat(datasource.text("url")).isEqualTo("http://prometheus:"
                + compose.service("prometheus").list("ports").getFirst().text().split(":")[2]);
        assertThat(grafanaVolumes).contains("./ops/grafana/gateway-dashboard.json:" + provider.text("options", "path")
                + "/gateway-dashboard.json:ro", "./ops/grafana/provisioning:/etc/grafana/provisioning:ro");
    }

    @Test
    void dashboardShowsTrafficErrorsRejectionsSpendLatencyPercentilesAndInFlightCalls() {
        List<String> expressions = dashboardExpressions();

        assertThat(expressions).anyMatch(expr -> expr.contains("sum by (outcome) (rate(gateway_calls_total"))
            .anyMatch(expr -> expr.contains("outcome=~\"upstream_error|upstream_timeout|upstream_unknown|upstream_rate_limited\""))
            .anyMatch(expr -> expr.contains("rate(gateway_quota_rejections_total"))
            .anyMatch(expr -> expr.contains("sum by (tenant) (increase(gateway_cost_usd_total"))
            .anyMatch(expr -> expr.contains("gateway_inflight_calls"))
            .anyMatch(expr -> expr.contains("gateway_reservations_swept_total"))
            .anyMatch(expr -> expr.contains("sum by (tenant) (gateway_upstream_waiting"))
            .anyMatch(expr -> expr.contains("gateway_upstream_wait_seconds_sum"))
            .anyMatch(expr -> expr.contains("max(gateway_upstream_slots_in_use)"))
            .anyMatch(expr -> expr.contains("gateway_upstream_queue_full_absorbed_total"));
        for (String histogram : List.of("gateway_upstream_latency_seconds", "gateway_added_latency_seconds")) {
            for (String quantile : List.of("0.5", "0.95", "0.99")) {
                assertThat(expressions).as("%s quantile of %s", quantile, histogram)
                    .anyMatch(expr -> expr.startsWith("histogram_quantile(" + quantile + ",")
                            && expr.contains(histogram + "_bucket"));
            }
        }
        for (String histogram : List.of("gateway_admission_latency_seconds", "gateway_settlement_latency_seconds")) {
            for (String quantile : List.of("0.5", "0.99")) {
                assertThat(expressions).as("%s quantile of %s", quantile, histogram)
                    .anyMatch(expr -> expr.startsWith("histogram_quantile(" + quantile + ",")
                            && expr.contains(histogram + "_bucket"));
            }
        }
    }

    @Test
    void dashboardShowsModelsLabsBalanceAndTheReconciliationDriftWithTheirAlertThresholds() {
        List<String> expressions = dashboardExpressions();

        assertThat(expressions).contains("max(gateway_modelslab_balance_usd)",
                "max(gateway_modelslab_low_balance_threshold_usd)", "max(gateway_reconciliation_drift_usd)",
                "max(gateway_reconciliation_drift_threshold_usd)");
    }

    @Test
    void alertsFireOnALowModelsLabBalanceAndOnDriftBeyondTheirConfiguredThresholds() {
        Map<String, String> expressions = alerts().stream()
            .collect(Collectors.toMap(alert -> alert.text("alert"), alert -> alert.text("expr").strip()));

        assertThat(expressions.get("ModelsLabBalanceLow")).isEqualTo("""
                min by (namespace) (gateway_modelslab_balance_usd)
                  < max by (namespace) (gateway_modelslab_low_balance_threshold_usd)""");
        assertThat(expressions.get("ModelsLabReconciliationDrift")).isEqualTo("""
                max by (namespace) (abs(gateway_reconciliation_drift_usd))
                  > max by (namespace) (gateway_reconciliation_drift_threshold_usd)""");
        assertThat(expressions.get("ModelsLabWalletUnreadable")).contains("gateway_reconciliation_gaps_total");
    }

    @Test
    void dashboardQueriesOnlyMetricsTheGatewayPublishes() {
        assertThat(dashboardExpressions()).isNotEmpty()
            .allSatisfy(expr -> assertThat(metricsIn(expr)).as(expr).isNotEmpty().isSubsetOf(GATEWAY_METRICS));
    }

    @Test
    void dashboardPanelsQueryTheDatasourceChosenInTheDashboard() {
        assertThat(dashboard.list("templating", "list")).anySatisfy(variable -> {
            assertThat(variable.text("name")).isEqualTo("datasource");
            assertThat(variable.text("type")).isEqualTo("datasource");
        });
        assertThat(panels()).filteredOn(panel -> !"row".equals(panel.text("type")))
            .allSatisfy(panel -> assertThat(panel.text("datasource", "uid")).as(panel.text("title"))
                .isEqualTo("${datasource}"));
        assertThat(dashboard.text("uid")).isNotBlank();
    }

    @Test
    void alertsQueryOnlyMetricsTheGatewayAndKubeStateMetricsPublish() {
        List<Node> alerts = alerts();

        assertThat(alerts).extracting(alert -> alert.text("alert"))
            .contains("GatewayUpstreamErrorRateHigh", "GatewayBudgetRejectionsSpike", "GatewayReplicasNotReady");
        assertThat(alerts).allSatisfy(alert -> {
            assertThat(alert.strings("labels")).containsKey("severity");
            assertThat(alert.strings("annotations")).containsKeys("summary", "description");
            assertThat(metricsIn(alert.text("expr"))).as(alert.text("alert"))
                .isNotEmpty()
                .isSubsetOf(Stream.concat(GATEWAY_METRICS.stream(), KUBE_STATE_METRICS.stream()).toList());
        });
    }

    @Test
    void labelValuesTheQueriesFilterOnAreOnesTheGatewayRecords() {
        Set<String> outcomes = Arrays.stream(CallOutcome.values())
            .map(CallOutcome::dbValue)
            .collect(Collectors.toSet());
        Set<String> reasons = Arrays.stream(ErrorCode.values()).map(ErrorCode::code).collect(Collectors.toSet());
        List<String> expressions = new ArrayList<>(dashboardExpressions());
        alerts().forEach(alert -> expressions.add(alert.text("expr")));

        assertThat(labelValues(expressions, "outcome")).isNotEmpty().isSubsetOf(outcomes);
        assertThat(labelValues(expressions, "reason")).isNotEmpty().isSubsetOf(reasons);
    }

    /** The values a label matcher such as {@code outcome=~"a|b"} or {@code reason="c"} names. */
    private static Set<String> labelValues(List<String> expressions, String label) {
        Pattern matcher = Pattern.compile("\\b" + label + "(?:=~|=|!~|!=)\"([^\"]*)\"");
        Set<String> values = new TreeSet<>();
        for (String expression : expressions) {
            Matcher match = matcher.matcher(expression);
            while (match.find()) {
                values.addAll(List.of(match.group(1).split("\\|")));
            }
        }
        return values;
    }

    private List<Node> alerts() {
        return ProjectFiles.yaml("k8s/base/prometheusrule.yaml")
            .list("spec", "groups")
            .stream()
            .flatMap(group -> group.list("rules").stream())
            .toList();
    }

    private List<Node> panels() {
        return dashboard.list("panels");
    }

    private List<String> dashboardExpressions() {
        return panels().stream()
            .flatMap(panel -> panel.list("targets").stream())
            .map(target -> target.text("expr"))
            .toList();
    }

    private static List<String> metricsIn(String expression) {
        List<String> metrics = new ArrayList<>();
        Matcher matcher = METRIC.matcher(expression);
        while (matcher.find()) {
            metrics.add(matcher.group(1));
        }
        return metrics;
    }
}
