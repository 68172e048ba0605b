package com.example.gateway.web;

import java.util.Map;

import com.example.gateway.support.ExtraReplica;
import com.example.gateway.support.GatewayIntegrationTest;
import com.example.gateway.support.GatewayIntegrationTest.Response;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** A blank admin token closes the admin API: no header, an empty Bearer or a blank one opens it. */
class AdminTokenTest {

    @ParameterizedTest
    @ValueSource(strings = { "", "   " })
    void aBlankAdminTokenClosesTheAdminApiToEveryone(String configured) {
        try (ExtraReplica replica = ExtraReplica.with().property("gateway.admin-token", configured).start()) {
            for (Map<String, String> headers : java.util.List.of(Map.<String, String>of(),
                    Map.of("Authorization", "Bearer "), Map.of("Authorization", "Bearer    "),
                    Map.of("Authorization", "Bearer " + configured), Map.of("Authorization", "Bearer null"))) {
                Response tenants = GatewayIntegrationTest.send(replica.baseUrl(), "GET", "/admin/tenants", null,
                        headers);
                Response create = GatewayIntegrationTest.send(replica.baseUrl(), "POST", "/admin/tenants", """
                        {"id":"sneaky","name":"Sneaky"}""", headers);

                assertThat(tenants.status()).as("GET with %s", headers).isEqualTo(401);
                assertThat(tenants.code()).isEqualTo("invalid_key");
                assertThat(create.status()).as("POST with %s", headers).isEqualTo(401);
            }
        }
    }
}
