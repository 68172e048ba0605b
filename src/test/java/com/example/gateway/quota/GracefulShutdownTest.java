package com.example.gateway.quota;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.example.gateway.support.Bodies;
import com.example.gateway.support.ExtraReplica;
import com.example.gateway.support.FakeModelsLab;
import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class GracefulShutdownTest extends GatewayIntegrationTest {

    @Test
    void aCallInFlightWhenTheReplicaStopsStillSettlesExactlyOnce() throws Exception {
        TestTenant tenant = newTenant().budget("1.00").create();
        try (ExtraReplica replica = ExtraReplica.start()) {
            upstream.answer(request -> FakeModelsLab.success(request).delayedBy(1500));

            CompletableFuture<Response> call = CompletableFuture.supplyAsync(() -> send(replica.baseUrl(), "POST",
                    "/api/v6/images/text2img", Bodies.text2img("a cat"), Map.of("Authorization", "Bearer " + tenant.key())));
            await().atMost(10, TimeUnit.SECONDS).until(() -> !upstream.received().isEmpty());
            CompletableFuture<Void> shutdown = CompletableFuture.runAsync(replica::close);

            Response response = call.get(20, TimeUnit.SECONDS);
            shutdown.get(30, TimeUnit.SECONDS);

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("X-Gateway-Cost-USD")).isEqualTo("0.0047");
            assertThat(ledgerRows(tenant.id())).isEqualTo(1);
            assertThat(ledgerSum(tenant.id())).isEqualByComparingTo(PRICE);
            assertThat(reservations(tenant.id())).isZero();
            assertThat(replica.context().isActive()).isFalse();
        }
    }
}
