package com.example.gateway.proxy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/** A relay token echoed by ModelsLab never reaches the tenant, whichever way JSON writes it. */
class RelayTokenRedactionTest {

    private static final String TOKEN = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde";

    private final RelayTokenRedaction redaction = new RelayTokenRedaction(
            new JsonBodies(new ProxyProperties(null, DataSize.ofKilobytes(64))));

    @Test
    void leavesAnAnswerWithoutACallbackUrlAsItIs() {
        byte[] body = bytes("{\"status\":\"success\",\"output\":[\"https://pub.r2.dev/a.png\"]}");

        assertThat(redaction.redact(body)).isSameAs(body);
    }

    @Test
    void redactsTheTokenWrittenPlainlyEscapedOrInAnArray() {
        String plain = "https://gw.example/webhooks/modelslab/" + TOKEN;
        String escaped = "https:\\/\\/gw.example\\/webhooks\\/modelslab\\/" + TOKEN;
        String unicode = "https://gw.example/webhooks/modelslab\\u002f" + TOKEN;

        String redacted = new String(redaction.redact(bytes("""
                {"status":"processing","meta":{"webhook":"%s","hooks":["%s"],"deep":{"w":"%s"}}}"""
            .formatted(plain, escaped, unicode))), StandardCharsets.UTF_8);

        assertThat(redacted).doesNotContain(TOKEN).contains("/webhooks/modelslab/[redacted]");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
