package com.example.gateway.tenant;

import java.math.BigDecimal;
import java.util.List;

import com.example.gateway.errors.GatewayException;
import com.example.gateway.outbound.OutboundProperties;
import com.example.gateway.outbound.OutboundTargets;
import jakarta.validation.Validation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Creating and changing a tenant validate its limits as one record, the same way, with private targets refused. */
class TenantBodiesTest {

    private static final TenantLimits CURRENT = new TenantLimits(new BigDecimal("5.00"), 100, 60, 4,
            "https://93.184.215.14/hooks", List.of(50, 100), null, null, 1);

    private final TenantBodies bodies = new TenantBodies(JsonMapper.builder().build(),
            Validation.buildDefaultValidatorFactory().getValidator(),
            new OutboundTargets(new OutboundProperties(false)));

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            "monthlyBudgetUsd":"1e11"                  | Invalid field 'monthlyBudgetUsd' numeric value out of bounds (<10 digits>.<8 digits> expected).
            "monthlyBudgetUsd":1e11                    | Invalid field 'monthlyBudgetUsd' numeric value out of bounds (<10 digits>.<8 digits> expected).
            "monthlyBudgetUsd":"0.123456789"           | Invalid field 'monthlyBudgetUsd' numeric value out of bounds (<10 digits>.<8 digits> expected).
            "monthlyBudgetUsd":-1                      | Invalid field 'monthlyBudgetUsd' must be greater than or equal to 0.
            "monthlyBudgetUsd":"ten"                   | Invalid field 'monthlyBudgetUsd' must be a non-negative amount in USD or null.
            "monthlyBudgetUsd":true                    | Invalid field 'monthlyBudgetUsd' must be a non-negative amount in USD or null.
            "dailyRequestLimit":-1                     | Invalid field 'dailyRequestLimit' must be greater than or equal to 0.
            "requestsPerMinute":1.5                    | Invalid field 'requestsPerMinute' must be a non-negative whole number or null.
            "maxConcurrent":"many"                     | Invalid field 'maxConcurrent' must be a non-negative whole number or null.
            "maxConcurrent":99999999999                | Invalid field 'maxConcurrent' must be a non-negative whole number or null.
            "upstreamShare":0                          | Invalid field 'upstreamShare' must be greater than or equal to 1.
            "upstreamShare":1001                       | Invalid field 'upstreamShare' must be less than or equal to 1000.
            "upstreamShare":1.5                        | Invalid field 'upstreamShare' must be a whole number from 1 to 1000, or null for 1.
            "alertThresholds":[]                       | Invalid field 'alertThresholds' size must be between 1 and 10.
            "alertThresholds":[0,80]                   | Invalid field 'alertThresholds' must be greater than or equal to 1.
            "alertThresholds":[80,null]                | Invalid field 'alertThresholds' must not be null.
            "alertThresholds":"80"                     | Invalid field 'alertThresholds' must be 1 to 10 whole percentages between 1 and 1000, or null for 80 and 100.
            "alertWebhookUrl":"http://127.0.0.1:8080/admin/tenants" | Invalid field 'alertWebhookUrl' must not resolve to a loopback, link-local, private, unspecified or multicast address.
            "alertWebhookUrl":"http://169.254.169.254/latest/meta-data/" | Invalid field 'alertWebhookUrl' must not resolve to a loopback, link-local, private, unspecified or multicast address.
            "alertWebhookUrl":"http://[::1]/"          | Invalid field 'alertWebhookUrl' must not resolve to a loopback, link-local, private, unspecified or multicast address.
            "alertWebhookUrl":"http://localhost:5432/" | Invalid field 'alertWebhookUrl' must not resolve to a loopback, link-local, private, unspecified or multicast address.
            "alertWebhookUrl":"ftp://93.184.215.14/"   | Invalid field 'alertWebhookUrl' must be an absolute http(s) URL.
            "alertWebhookUrl":"https://u:p@93.184.215.14/" | Invalid field 'alertWebhookUrl' must not carry a user name or password.
            "alertWebhookUrl":{}                       | Invalid field 'alertWebhookUrl' must be an http(s) URL or null.
            "shoeSize":42                              | Unknown field 'shoeSize'.
            """)
    void refusesTheSameInvalidLimitOnCreateAndOnChangeNamingTheField(String field, String message) {
        assertThatThrownBy(() -> bodies.newTenant(bodies.object("{\"id\":\"acme\",\"name\":\"Acme\"," + field + "}")))
            .isInstanceOf(GatewayException.class).hasMessage(message);
        assertThatThrownBy(() -> bodies.changes("acme", CURRENT, bodies.object("{" + field + "}")))
            .isInstanceOf(GatewayException.class).hasMessage(message);
    }

    @Test
    void refusesBadIdsAndNames() {
        assertThatThrownBy(() -> bodies.newTenant(bodies.object("{\"id\":\"Bad_Id\",\"name\":\"x\"}")))
            .hasMessage("Invalid field 'id' must be 1 to 64 of a-z, 0-9 and -.");
        assertThatThrownBy(() -> bodies.newTenant(bodies.object("{\"name\":\"x\"}")))
            .hasMessage("Invalid field 'id' must not be null.");
        assertThatThrownBy(() -> bodies.newTenant(bodies.object("{\"id\":\"a\",\"name\":\" \"}")))
            .hasMessage("Invalid field 'name' must not be blank.");
        assertThatThrownBy(() -> bodies.changes("acme", CURRENT, bodies.object("{\"name\":\"" + "n".repeat(201) + "\"}")))
            .hasMessage("Invalid field 'name' size must be between 0 and 200.");
        assertThatThrownBy(() -> bodies.changes("acme", CURRENT, bodies.object("{\"id\":\"other\"}")))
            .hasMessage("The field 'id' cannot be changed.");
        assertThatThrownBy(() -> bodies.changes("acme", CURRENT, bodies.object("{\"suspended\":\"yes\"}")))
            .hasMessage("The field 'suspended' must be true or false.");
        assertThatThrownBy(() -> bodies.object("[1]")).hasMessage("The request body must be a JSON object.");
        assertThatThrownBy(() -> bodies.object("not json")).hasMessage("The request body must be a JSON object.");
    }

    @Test
    void mergesAChangeOntoTheCurrentLimitsKeepingAbsentFieldsAndRemovingNullOnes() {
        TenantBodies.Changes changes = bodies.changes("acme", CURRENT, bodies.object("""
                {"id":"acme","monthlyBudgetUsd":"1234567890.12345678","maxConcurrent":null,"suspended":true,
                 "alertThresholds":[100,90,90]}"""));

        assertThat(changes.name()).isNull();
        assertThat(changes.suspended()).isTrue();
        assertThat(changes.limits()).isEqualTo(new TenantLimits(new BigDecimal("1234567890.12345678"), 100, 60, null,
                "https://93.184.215.14/hooks", List.of(90, 100), null, null, 1));
    }

    @Test
    void createsWithTheDefaultThresholdsAndKeepsMoneyGivenAsANumberExact() {
        TenantBodies.NewTenant created = bodies.newTenant(bodies.object("""
                {"id":"acme","name":"Acme","monthlyBudgetUsd":1234567890.12345678,"dailyRequestLimit":null}"""));

        assertThat(created.id()).isEqualTo("acme");
        assertThat(created.limits()).isEqualTo(new TenantLimits(new BigDecimal("1234567890.12345678"), null, null, null,
                null, List.of(80, 100), null, null, 1));
    }

    @Test
    void doesNotRecheckAWebhookThatTheChangeLeavesAlone() {
        TenantLimits configuredWhenAllowed = new TenantLimits(null, null, null, null, "http://10.0.0.7/hook",
                List.of(80, 100), null, null, 1);

        TenantBodies.Changes changes = bodies.changes("acme", configuredWhenAllowed,
                bodies.object("{\"maxConcurrent\":2}"));

        assertThat(changes.limits().alertWebhookUrl()).isEqualTo("http://10.0.0.7/hook");
        assertThat(changes.limits().maxConcurrent()).isEqualTo(2);
    }
}
