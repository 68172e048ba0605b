package com.example.gateway.config;

import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.apache.coyote.http11.Http11NioProtocol;

import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Smaller buffers per Tomcat connection. On virtual threads a replica keeps thousands of connections open while
 * ModelsLab works, and every one holds its buffers for the whole call, yet the gateway's requests and answers are a few
 * hundred bytes. Tomcat's defaults (8 KiB socket buffers each way, an 8 KiB byte plus 8 Ki char response buffer, and
 * an 8 KiB buffer for the trailer of a chunked request) cost about 48 KiB per connection; these settings cost 15 KiB,
 * which is 160 MiB less heap with 5,000 calls in flight (see bench/RESULTS.md). Longer answers (reports, CSV) are
 * simply written in more chunks.
 */
@Component
class TomcatBuffers implements WebServerFactoryCustomizer<TomcatWebServerFactory> {

    static final int SOCKET_BUFFER_BYTES = 4096;
    static final int RESPONSE_BUFFER_BYTES = 2048;
    /**
     * Room for the trailer fields of a chunked request body. ModelsLab clients send none; a larger trailer is refused
     * with 400.
     */
    static final int MAX_TRAILER_BYTES = 1024;
    /**
     * Closed connections' channels kept for reuse; as many as the request processors Tomcat keeps
     * ({@code server.tomcat.processor-cache}, 200). Tomcat's default keeps channels for 1/32 of the heap, thousands,
     * and each still points at the last request processor it served with all of that processor's buffers: after a
     * burst of 5,000 connections, 388 MiB stayed live with no connection open (69 MiB with this cache).
     */
    static final int CACHED_CHANNELS = 200;

    @Override
    public void customize(TomcatWebServerFactory factory) {
        factory.setProtocol(SmallResponseBufferProtocol.class.getName());
        factory.addConnectorCustomizers(connector -> {
            connector.setProperty("socket.appReadBufSize", String.valueOf(SOCKET_BUFFER_BYTES));
            connector.setProperty("socket.appWriteBufSize", String.valueOf(SOCKET_BUFFER_BYTES));
            connector.setProperty("socket.bufferPool", String.valueOf(CACHED_CHANNELS));
            ((AbstractHttp11Protocol<?>) connector.getProtocolHandler()).setMaxTrailerSize(MAX_TRAILER_BYTES);
        });
    }

    /**
     * Tomcat's HTTP/1.1 NIO protocol, asking for a smaller response buffer; Tomcat has no setting for it over HTTP
     * (only AJP has {@code packetSize}). Public with a public constructor: the connector instantiates it by name.
     */
    public static class SmallResponseBufferProtocol extends Http11NioProtocol {

        @Override
        public int getDesiredBufferSize() {
            return RESPONSE_BUFFER_BYTES;
        }
    }
}
