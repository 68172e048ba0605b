package com.example.gateway.faults;

import java.util.Map;

import com.example.gateway.support.FakeModelsLab;
import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client cannot choose where the gateway's {@code fetch_result} links point: forwarded headers are not trusted
 * unless configured, so the links name the host the client actually connected to.
 */
class ForwardedHeadersTest extends GatewayIntegrationTest {

    @Test
    void forwardedHostAndProtoFromAClientDoNotMoveTheFetchLink() {
        TestTenant tenant = tenant();
        long id = upstream.nextId();
        upstream.answer(request -> FakeModelsLab.processing(id));

        Response queued = send("POST", "/api/v6/images/text2img", "{\"prompt\":\"a slow cat [queue]\"}",
                Map.of("Authorization", "Bearer " + tenant.key(), "X-Forwarded-Host", "evil.example",
                        "X-Forwarded-Proto", "https", "X-Forwarded-Port", "443", "X-Forwarded-Prefix", "/phish",
                        "Forwarded", "host=evil.example;proto=https"));

        assertThat(queued.status()).isEqualTo(200);
        assertThat(queued.json().get("status").asString()).isEqualTo("processing");
        assertThat(queued.json().get("fetch_result").asString())
            .isEqualTo(baseUrl() + "/api/v6/images/fetch/" + id);
    }
}
