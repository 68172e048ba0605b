package com.example.gateway.proxy;

import java.util.Map;

import com.example.gateway.support.Bodies;
import com.example.gateway.support.ExtraReplica;
import com.example.gateway.support.GatewayIntegrationTest;
import com.example.gateway.support.GatewayIntegrationTest.Response;
import com.example.gateway.support.GatewayIntegrationTest.TestTenant;
import com.example.gateway.support.TenantBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** With Boot's structured logging on, as in the container, each call leaves one JSON line ops can query. */
@ExtendWith(OutputCaptureExtension.class)
class StructuredLogTest {

    @Test
    void eachCallLogsOneJsonLineWithRequestIdTenantOutcomeCostAndLatencyButNoKeys(CapturedOutput output) {
        // Logging is set up once per JVM: a replica leaves it as it is while another test's cached context has already
        // set it up, and the ecs format below would then depend on which test classes ran before. Forgetting that set-up
        // lets the replica apply its own logging configuration.
        LoggingSystem.get(getClass().getClassLoader()).cleanUp();
        try (ExtraReplica gateway = ExtraReplica.with().property("logging.structured.format.console", "ecs").start()) {
            String base = gateway.baseUrl();
            TestTenant created = TenantBuilder.on(base).create();
            String tenant = created.id();
            String key = created.key();
            JsonMapper json = JsonMapper.builder().build();

            Response call = GatewayIntegrationTest.send(base, "POST", "/api/v6/images/text2img",
                    Bodies.text2img("a private prompt"), Map.of("Authorization", "Bearer " + key));

            JsonNode line = output.getOut().lines()
                .filter(l -> l.startsWith("{") && l.contains("call settled") && l.contains(tenant))
                .map(json::readTree)
                .findFirst()
                .orElseThrow();
            assertThat(line.toString()).contains(call.header("X-Request-Id"));
            assertThat(line.get("tenant").asString()).isEqualTo(tenant);
            assertThat(line.get("outcome").asString()).isEqualTo("success");
            assertThat(line.get("costUsd").asString()).isEqualTo("0.0047");
            assertThat(line.has("latencyMs")).isTrue();
            assertThat(output.getAll()).doesNotContain(key)
                .doesNotContain(GatewayIntegrationTest.SHARED_KEY)
                .doesNotContain("a private prompt");
        }
    }
}
