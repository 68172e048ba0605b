package com.example.gateway.config;

import java.util.Map;

import com.example.gateway.support.GatewayIntegrationTest;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

class TomcatBuffersTest extends GatewayIntegrationTest {

    @Autowired
    WebServerApplicationContext context;

    @Test
    void theConnectorUsesTheSmallerBuffers() {
        Connector connector = ((TomcatWebServer) context.getWebServer()).getTomcat().getConnector();

        assertThat(connector.getProtocolHandler()).isInstanceOf(TomcatBuffers.SmallResponseBufferProtocol.class);
        assertThat(connector.getProtocolHandler().getDesiredBufferSize()).isEqualTo(2048);
        assertThat(connector.getProperty("socket.appReadBufSize")).hasToString("4096");
        assertThat(connector.getProperty("socket.appWriteBufSize")).hasToString("4096");
        assertThat(connector.getProperty("socket.bufferPool")).hasToString("200");
        AbstractHttp11Protocol<?> http = (AbstractHttp11Protocol<?>) connector.getProtocolHandler();
        assertThat(http.getMaxTrailerSize()).isEqualTo(1024);
        assertThat(http.getMaxHttpResponseHeaderSize()).as("server.tomcat.max-http-response-header-size").isEqualTo(4096);
        assertThat(http.getMaxHttpRequestHeaderSize()).as("headers up to 16 KiB reach the application")
            .isEqualTo(17 * 1024);
    }

    @Test
    void theConnectorDropsIdleClientsAfterTenSecondsAndCapsConnectionsToWhatTheHeapHolds() {
        AbstractHttp11Protocol<?> http = (AbstractHttp11Protocol<?>) ((TomcatWebServer) context.getWebServer())
            .getTomcat().getConnector().getProtocolHandler();

        assertThat(http.getConnectionTimeout()).isEqualTo(10_000);
        assertThat(http.getKeepAliveTimeout()).as("follows the connection timeout").isEqualTo(10_000);
        assertThat(http.getMaxConnections()).isEqualTo(6_000);
        assertThat(http.getAcceptCount()).isEqualTo(1_000);
    }

    @Test
    void anAnswerLongerThanTheBuffersArrivesWhole() {
        Response docs = send("GET", "/v3/api-docs", null, Map.of());

        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.body().length()).as("several buffers long").isGreaterThan(5 * 4096);
        assertThat(docs.json().get("paths").has("/api/v6/images/text2img")).isTrue();
    }
}
