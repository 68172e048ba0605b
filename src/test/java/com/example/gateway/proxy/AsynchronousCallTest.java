package com.example.gateway.proxy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.example.gateway.support.Bodies;
import com.example.gateway.support.FakeModelsLab;
import com.example.gateway.support.GatewayIntegrationTest;
import org.apache.catalina.core.StandardContext;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** While ModelsLab works on a call, the call is held by servlet asynchronous processing, not by a waiting thread. */
class AsynchronousCallTest extends GatewayIntegrationTest {

    private static final int CALLS = 20;

    @Autowired
    WebServerApplicationContext context;

    @Test
    void callsAtModelsLabHoldNoRequestThreadAndAreSettledWhenItAnswers() throws Exception {
        TestTenant tenant = newTenant().budget("1.00").create();
        CountDownLatch release = new CountDownLatch(1);
        upstream.answer(request -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            return FakeModelsLab.success(request);
        });

        // A call of another test may still be finishing in this shared context: counts are compared, not equated.
        long before = webContext().getInProgressAsyncCount();
        List<Future<Response>> calls;
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            calls = IntStream.range(0, CALLS)
                .mapToObj(i -> clients.submit(() -> text2img(tenant.key(), Bodies.text2img("a cat"))))
                .toList();
            await().atMost(Duration.ofSeconds(20)).until(() -> upstream.received().size() == CALLS);

            assertThat(webContext().getInProgressAsyncCount()).as("requests in asynchronous mode")
                .isGreaterThanOrEqualTo(CALLS);
            assertThat(reservations(tenant.id())).as("reserved while ModelsLab works").isEqualTo(CALLS);
            assertThat(ledgerRows(tenant.id())).isZero();

            release.countDown();
            for (Future<Response> call : calls) {
                Response response = call.get(20, TimeUnit.SECONDS);
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.header("X-Gateway-Cost-USD")).isEqualTo("0.0047");
            }
        }
        assertThat(ledgerSum(tenant.id())).isEqualByComparingTo("0.094");
        assertThat(reservations(tenant.id())).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> webContext().getInProgressAsyncCount() <= before);
    }

    private StandardContext webContext() {
        return (StandardContext) ((TomcatWebServer) context.getWebServer()).getTomcat().getHost().findChildren()[0];
    }
}
