package com.example.gateway;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import com.example.gateway.localdb.LocalPostgres;
import com.example.gateway.support.GatewayIntegrationTest;
import com.example.gateway.support.GatewayIntegrationTest.Response;
import com.example.gateway.support.ExtraReplica;
import com.example.gateway.support.TestDatabase;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ways the application starts: the local profile (docker-compose.yml), the zero-setup local run
 * ({@link TestGatewayApplication}), and production, which demands its secrets.
 */
class LocalRunTest {

    @Test
    void theLocalProfileServesTheSimulatorAndADemoTenantOutOfTheBox() throws IOException {
        // As docker-compose.yml runs the image: the local profile from the jar, and a database given by URL.
        int port = freePort();
        TestDatabase database = TestDatabase.get();
        try (ConfigurableApplicationContext local = new SpringApplicationBuilder(GatewayApplication.class)
            .profiles("local")
            .run("--server.port=" + port, "--spring.datasource.url=" + database.jdbcUrl(),
                    "--spring.datasource.username=" + database.username(),
                    "--spring.datasource.password=" + database.password())) {
            assertServesTheSimulatorAndTheDemoTenant(port);
        }
    }

    @Test
    void theLocalRunLauncherAddsTheLocalProfileAndLeavesAGivenDatabaseAlone() throws IOException {
        // What ./mvnw spring-boot:test-run starts, with SPRING_DATASOURCE_URL set: no cluster of its own is started.
        int port = freePort();
        TestDatabase database = TestDatabase.get();
        try (ConfigurableApplicationContext local = TestGatewayApplication.localRun()
            .run("--server.port=" + port, "--spring.datasource.url=" + database.jdbcUrl(),
                    "--spring.datasource.username=" + database.username(),
                    "--spring.datasource.password=" + database.password())
            .getApplicationContext()) {
            assertThat(local.getEnvironment().getActiveProfiles()).containsExactly("local");
            assertThat(local.getBeanNamesForType(LocalPostgres.class)).isEmpty();
            assertServesTheSimulatorAndTheDemoTenant(port);
        }
    }

    private static void assertServesTheSimulatorAndTheDemoTenant(int port) {
        String base = "http://127.0.0.1:" + port;
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void productionRefusesToStartWithoutTheSharedModelsLabKey() {
        TestDatabase database = TestDatabase.get();

        assertThatThrownBy(() -> new SpringApplicationBuilder(GatewayApplication.class)
            .run("--server.port=0", "--modelslab.api-key=", "--gateway.keys.hmac-secret=production-secret",
                    "--spring.datasource.url=" + database.jdbcUrl(),
                    "--spring.datasource.username=" + database.username(),
                    "--spring.datasource.password=" + database.password())
            .close())
            .hasStackTraceContaining("MODELSLAB_API_KEY must be set");
    }

    @Test
    void productionRefusesToStartWithoutTheKeyHmacSecret() {
        TestDatabase database = TestDatabase.get();

        assertThatThrownBy(() -> new SpringApplicationBuilder(GatewayApplication.class)
            .run("--server.port=0", "--modelslab.api-key=some-key", "--gateway.keys.hmac-secret=",
                    "--spring.datasource.url=" + database.jdbcUrl(),
                    "--spring.datasource.username=" + database.username(),
                    "--spring.datasource.password=" + database.password())
            .close())
            .hasStackTraceContaining("GATEWAY_KEY_HMAC_SECRET (gateway.keys.hmac-secret) is not set");
    }
}
