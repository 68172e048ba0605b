package com.example.gateway.support;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.example.gateway.support.GatewayIntegrationTest.Response;
import com.example.gateway.support.GatewayIntegrationTest.TestTenant;
import tools.jackson.databind.json.JsonMapper;

/**
 * A test tenant with only the limits a scenario is about, created through the admin API of any replica, with a fresh
 * key: {@code newTenant().budget("0.0094").maxConcurrent(1).create()}. Limits left out are absent (unlimited). Every
 * tenant gets a unique id, so tests never see each other's money.
 */
public final class TenantBuilder {

    private static final AtomicInteger TENANTS = new AtomicInteger();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String baseUrl;
    private String monthlyBudgetUsd;
    private Integer dailyRequestLimit;
    private Integer requestsPerMinute;
    private Integer maxConcurrent;
    private String costCentre;

    private TenantBuilder(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** A tenant to be created on the replica at {@code baseUrl} (tests of {@link GatewayIntegrationTest}: {@code newTenant()}). */
    public static TenantBuilder on(String baseUrl) {
        return new TenantBuilder(baseUrl);
    }

    /** The monthly budget in USD, as the exact decimal string the admin API takes. */
    public TenantBuilder budget(String usd) {
        this.monthlyBudgetUsd = usd;
        return this;
    }

    public TenantBuilder budget(BigDecimal usd) {
        return budget(usd.toPlainString());
    }

    public TenantBuilder dailyLimit(int calls) {
        this.dailyRequestLimit = calls;
        return this;
    }

    public TenantBuilder perMinute(int calls) {
        this.requestsPerMinute = calls;
        return this;
    }

    public TenantBuilder maxConcurrent(int calls) {
        this.maxConcurrent = calls;
        return this;
    }

    /** The cost centre the tenant belongs to; it must exist. */
    public TenantBuilder costCentre(String id) {
        this.costCentre = id;
        return this;
    }

    /** Creates the tenant and one key for it. */
    public TestTenant create() {
        String id = "t" + TENANTS.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> body = new HashMap<>();
        body.put("id", id);
        body.put("name", "Team " + id);
        body.put("monthlyBudgetUsd", monthlyBudgetUsd);
        body.put("dailyRequestLimit", dailyRequestLimit);
        body.put("requestsPerMinute", requestsPerMinute);
        body.put("maxConcurrent", maxConcurrent);
        body.put("costCentre", costCentre);
        Response created = admin("POST", "/admin/tenants", JSON.writeValueAsString(body));
        if (created.status() != 201) {
            throw new IllegalStateException("tenant not created: " + created.body());
        }
        return new TestTenant(id, newKey(baseUrl, id));
    }

    /** Creates one more key for an existing tenant on the replica at {@code baseUrl} and returns it. */
    public static String newKey(String baseUrl, String tenantId) {
        Response key = GatewayIntegrationTest.send(baseUrl, "POST", "/admin/tenants/" + tenantId + "/keys",
                """
                {"name":"ci"}""", Map.of("Authorization", "Bearer " + GatewayIntegrationTest.ADMIN_TOKEN));
        if (key.status() != 201) {
            throw new IllegalStateException("key not created: " + key.body());
        }
        return key.json().get("key").asString();
    }

    private Response admin(String method, String path, String body) {
        return GatewayIntegrationTest.send(baseUrl, method, path, body,
                Map.of("Authorization", "Bearer " + GatewayIntegrationTest.ADMIN_TOKEN));
    }
}
