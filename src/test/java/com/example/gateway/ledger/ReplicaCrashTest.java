package com.example.gateway.ledger;

import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.example.gateway.GatewayApplication;
import com.example.gateway.support.Bodies;
import com.example.gateway.support.FakeModelsLab;
import com.example.gateway.support.GatewayIntegrationTest;
import com.example.gateway.support.TestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A replica is killed with SIGKILL while its calls are in flight: the other replicas keep serving, and the sweeper
 * releases the dead replica's reservations, so no budget stays stuck.
 */
class ReplicaCrashTest extends GatewayIntegrationTest {

    @Autowired
    ReservationSweeper sweeper;

    @Test
    void reservationsOfAKilledReplicaAreReleasedAndTheOthersKeepServing() throws Exception {
        TestTenant tenant = newTenant().budget(PRICE.multiply(java.math.BigDecimal.valueOf(5))).create();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        TestDatabase database = TestDatabase.get();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), GatewayApplication.class.getName(),
                "--spring.profiles.active=test", "--server.port=" + port,
                "--modelslab.base-url=" + FakeModelsLab.shared().baseUrl(),
                "--spring.datasource.url=" + database.jdbcUrl(), "--spring.datasource.username=" + database.username(),
                "--spring.datasource.password=" + database.password()));
        Process replica = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(new File("target/killed-replica.log"))
            .start();
        String replicaUrl = "http://127.0.0.1:" + port;
        try {
            await().atMost(120, TimeUnit.SECONDS).pollInterval(1, TimeUnit.SECONDS).ignoreExceptions()
                .until(() -> send(replicaUrl, "GET", "/actuator/health/readiness", null, Map.of()).status() == 200);
            upstream.answer(request -> FakeModelsLab.success(request).delayedBy(30_000));
            List<CompletableFuture<Response>> inFlight = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                inFlight.add(CompletableFuture.supplyAsync(() -> send(replicaUrl, "POST", "/api/v6/images/text2img",
                        Bodies.text2img("doomed"), Map.of("Authorization", "Bearer " + tenant.key()))));
            }
            await().atMost(20, TimeUnit.SECONDS).until(() -> upstream.received().size() == 3);

            replica.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

            assertThat(reservations(tenant.id())).isEqualTo(3);
            upstream.reset();
            Response meanwhile = text2img(tenant.key(), Bodies.text2img("served by another replica"));
            assertThat(meanwhile.status()).isEqualTo(200);
            assertThat(meanwhile.header("X-Gateway-Budget-Remaining-USD")).as("three calls are still reserved")
                .isEqualTo("0.0047");
            inFlight.forEach(call -> call.completeExceptionally(new IllegalStateException("replica killed")));
        }
        finally {
            replica.destroyForcibly();
        }

        jdbc.sql("UPDATE reservation SET created_at = created_at - interval '1 hour' WHERE tenant_id = ?")
            .param(tenant.id()).update();
        sweeper.sweep();

        assertThat(reservations(tenant.id())).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM call_ledger WHERE tenant_id = ? AND outcome = 'abandoned'")
            .param(tenant.id()).query(Long.class).single()).isEqualTo(3);
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo(PRICE);
        Response after = text2img(tenant.key(), Bodies.text2img("budget is free again"));
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.header("X-Gateway-Budget-Remaining-USD")).isEqualTo("0.0141");
    }
}
