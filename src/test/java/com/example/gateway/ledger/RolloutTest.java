package com.example.gateway.ledger;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.example.gateway.GatewayApplication;
import com.example.gateway.support.FakeModelsLab;
import com.example.gateway.support.GatewayIntegrationTest;
import com.example.gateway.support.TestDatabaseConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A rollout stops a replica while ModelsLab is working on its calls: they are still answered and settled once. */
class RolloutTest extends GatewayIntegrationTest {

    @Test
    void aReplicaRefusesToStartWhenItsShutdownGraceCouldCutOffACallModelsLabIsWorkingOn() {
        // The old defaults: a 25 s grace against a 120 s response timeout.
        assertThatThrownBy(() -> replica("--spring.lifecycle.timeout-per-shutdown-phase=25s",
                "--modelslab.response-timeout=120s").close())
            .hasStackTraceContaining("shorter than a call may take")
            .hasStackTraceContaining("modelslab.response-timeout PT2M");
    }

    @Test
    void aCallThatOutlastsTheStopSignalIsAnsweredAndSettledExactlyOnce() throws Exception {
        TestTenant tenant = newTenant().budget("1.00").create();
        ConfigurableApplicationContext replica = replica("--modelslab.response-timeout=8s",
                "--gateway.quota.settle-wait=2s", "--spring.lifecycle.timeout-per-shutdown-phase=15s");
        String replicaUrl = "http://127.0.0.1:" + ((WebServerApplicationContext) replica).getWebServer().getPort();
        upstream.answer(request -> FakeModelsLab.success(request).delayedBy(6000));

        CompletableFuture<Response> call = CompletableFuture.supplyAsync(() -> send(replicaUrl, "POST",
                "/api/v6/images/text2img", "{\"prompt\":\"a slow cat\"}",
                Map.of("Authorization", "Bearer " + tenant.key())));
        await().atMost(10, TimeUnit.SECONDS).until(() -> !upstream.received().isEmpty());
        long stopAt = System.nanoTime();
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(replica::close);

        Response response = call.get(30, TimeUnit.SECONDS);
        stopping.get(60, TimeUnit.SECONDS);

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopAt)).as("the stop waited for the call")
            .isGreaterThan(4000);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("X-Gateway-Cost-USD")).isEqualTo("0.0047");
        assertThat(ledgerRows(tenant.id())).isEqualTo(1);
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo(PRICE);
        assertThat(reservations(tenant.id())).isZero();
        assertThat(jdbc.sql("SELECT in_flight FROM quota_state WHERE tenant_id = ?").param(tenant.id())
            .query(Integer.class).single()).isZero();
    }

    private static ConfigurableApplicationContext replica(String... arguments) {
        String[] all = new String[arguments.length + 2];
        all[0] = "--server.port=0";
        all[1] = "--modelslab.base-url=" + FakeModelsLab.shared().baseUrl();
        System.arraycopy(arguments, 0, all, 2, arguments.length);
        return new SpringApplicationBuilder(GatewayApplication.class, TestDatabaseConfiguration.class)
            .profiles("test")
            .run(all);
    }
}
