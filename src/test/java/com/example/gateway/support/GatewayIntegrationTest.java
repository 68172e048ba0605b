package com.example.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.example.gateway.GatewayApplication;
import org.junit.jupiter.api.BeforeEach;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A full-stack test: the whole gateway on a random port, the real PostgreSQL {@link TestDatabase} chose, and the
 * {@link FakeModelsLab} over real HTTP. Every test makes its own tenants, so tests never see each other's money.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(TestDatabaseConfiguration.class)
@ActiveProfiles("test")
@AutoConfigureMetrics
public abstract class GatewayIntegrationTest {

    public static final String ADMIN_TOKEN = "test-admin-token";
    public static final String SHARED_KEY = "shared-modelslab-key-never-leak-0123456789";
    public static final BigDecimal PRICE = new BigDecimal("0.0047");

    protected static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
        .build();

    protected final FakeModelsLab upstream = FakeModelsLab.shared();

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcClient jdbc;

    @DynamicPropertySource
    static void upstream(DynamicPropertyRegistry registry) {
        registry.add("modelslab.base-url", () -> FakeModelsLab.shared().baseUrl());
    }

    @BeforeEach
    void resetUpstream() {
        upstream.reset();
    }

    protected String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** A tenant to configure, e.g. {@code newTenant().perMinute(2).create()}; see {@link TenantBuilder}. */
    protected TenantBuilder newTenant() {
        return TenantBuilder.on(baseUrl());
    }

    /** A tenant without any limit, with a fresh key. */
    protected TestTenant tenant() {
        return newTenant().create();
    }


    /** Creates one more key for the tenant and returns it. */
    protected String newKey(String tenantId) {
        return TenantBuilder.newKey(baseUrl(), tenantId);
    }

    protected Response admin(String method, String path, String body) {
        return send(method, path, body, Map.of("Authorization", "Bearer " + ADMIN_TOKEN));
    }

    protected Response text2img(String key, String body) {
        return send("POST", "/api/v6/images/text2img", body, Map.of("Authorization", "Bearer " + key));
    }

    protected Response send(String method, String path, String body, Map<String, String> headers) {
        return send(baseUrl(), method, path, body, headers);
    }

    public static Response send(String baseUrl, String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(60))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
        request.header("Content-Type", "application/json");
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response.headers().map());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    protected BigDecimal ledgerSum(String tenantId) {
        return jdbc.sql("SELECT coalesce(sum(cost_usd), 0) FROM call_ledger WHERE tenant_id = ?")
            .param(tenantId)
            .query(BigDecimal.class)
            .single();
    }

    protected long ledgerRows(String tenantId) {
        return jdbc.sql("SELECT count(*) FROM call_ledger WHERE tenant_id = ?").param(tenantId).query(Long.class).single();
    }

    protected long reservations(String tenantId) {
        return jdbc.sql("SELECT count(*) FROM reservation WHERE tenant_id = ?").param(tenantId).query(Long.class).single();
    }

    protected long forwardedCount() {
        return upstream.received().stream().filter(r -> !r.path().contains("/fetch")).count();
    }

    public record TestTenant(String id, String key) {
    }

    public record Response(int status, String body, Map<String, java.util.List<String>> headers) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String header(String name) {
            return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().getFirst())
                .findFirst()
                .orElse(null);
        }

        public String code() {
            return json().path("code").asString();
        }
    }
}
