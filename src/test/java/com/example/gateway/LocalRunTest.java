package com.example.gateway;

import java.util.Map;

import com.example.gateway.support.GatewayIntegrationTest;
import com.example.gateway.support.GatewayIntegrationTest.Response;
import com.example.gateway.support.ExtraReplica;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The two ways the application starts: the zero-setup local run, and production, which demands its secrets. */
class LocalRunTest {

    @Test
    void theLocalProfileServesTheSimulatorAndADemoTenantOutOfTheBox() {
        // The local profile's ModelsLab is the simulator on the gateway's own port, so the port is chosen up front.
        try (ExtraReplica local = ExtraReplica.with().profiles("local").port(ExtraReplica.freePort())
            .modelsLabAsConfigured()
            .start()) {
            String base = local.baseUrl();
            Map<String, String> admin = Map.of("Authorization", "Bearer local-admin-token");
            String key = JsonMapper.builder().build()
                .readTree(GatewayIntegrationTest.send(base, "POST", "/admin/tenants/demo/keys", """
                        {"name":"test"}""", admin).body())
                .get("key").asString();

            Response health = GatewayIntegrationTest.send(base, "GET", "/actuator/health/readiness", null, Map.of());
            Response success = GatewayIntegrationTest.send(base, "POST", "/api/v6/images/text2img",
                    """
                            {"model_id":"octoflat","prompt":"a watercolor fox","width":"512"}""",
                    Map.of("Authorization", "Bearer " + key));

            assertThat(health.status()).isEqualTo(200);
            assertThat(success.status()).isEqualTo(200);
            assertThat(success.json().get("status").asString()).isEqualTo("success");
            assertThat(success.json().get("id").isIntegralNumber()).isTrue();
            assertThat(success.header("X-Gateway-Cost-USD")).isEqualTo("0.0047");
        }
    }

    @Test
    void productionRefusesToStartWithoutTheSharedModelsLabKey() {
        assertThatThrownBy(() -> ExtraReplica.with().profiles().property("modelslab.api-key", "").start().close())
            .hasStackTraceContaining("MODELSLAB_API_KEY must be set");
    }
}
