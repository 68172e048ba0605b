package com.example.gateway.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.example.gateway.support.GatewayIntegrationTest.Response;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every gateway error keeps: {@code {"status":"error","message","code","request_id"}} and nothing else
 * (plus {@code retry_after} on 429s, repeated in {@code Retry-After}), a real HTTP status, a sentence for a message.
 */
final class ErrorDialect {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ErrorDialect() {
    }

    static JsonNode assertError(Response response, int status, String code) {
        assertThat(response.status()).as("HTTP status of %s", response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).as("content type").startsWith("application/json");
        JsonNode body = JSON.readTree(response.body());
        List<String> expected = new ArrayList<>(List.of("status", "message", "code", "request_id"));
        if (status == 429) {
            expected.add("retry_after");
        }
        assertThat(body.propertyNames()).as("fields of %s", response.body()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(body.get("status").asString()).isEqualTo("error");
        assertThat(body.get("code").asString()).isEqualTo(code);
        assertThat(body.get("message").isString()).isTrue();
        assertThat(body.get("message").asString()).as("a sentence for humans")
            .isNotBlank()
            .endsWith(".")
            .doesNotContain("Exception", "java.", "\tat ", "<html");
        String requestId = body.get("request_id").asString();
        assertThat(UUID.fromString(requestId)).isNotNull();
        assertThat(response.header("X-Request-Id")).as("X-Request-Id").isEqualTo(requestId);
        if (status == 429) {
            long retryAfter = body.get("retry_after").asLong();
            assertThat(retryAfter).isPositive();
            assertThat(response.header("Retry-After")).as("Retry-After").isEqualTo(String.valueOf(retryAfter));
        }
        else {
            assertThat(response.header("Retry-After")).as("Retry-After").isNull();
        }
        return body;
    }

    /** The body and every header of the response are free of each secret. */
    static void assertNoSecrets(Response response, List<String> secrets) {
        for (String secret : secrets) {
            assertThat(response.body()).as("response body").doesNotContain(secret);
            response.headers().forEach((name, values) -> assertThat(values).as("header %s", name)
                .noneMatch(value -> value.contains(secret)));
        }
    }
}
