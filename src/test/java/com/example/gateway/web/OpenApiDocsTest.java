package com.example.gateway.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class OpenApiDocsTest extends GatewayIntegrationTest {

    @Test
    void describesBothApisWithoutAuthentication() {
        Response docs = send("GET", "/v3/api-docs", null, Map.of());

        assertThat(docs.status()).isEqualTo(200);
        JsonNode paths = docs.json().get("paths");
        assertThat(names(paths)).contains("/api/v6/images/text2img", "/api/v6/images/img2img",
                "/api/v6/images/inpaint", "/api/v6/images/fetch/{id}", "/api/v1/usage", "/admin/usage",
                "/admin/calls", "/admin/tenants/{id}/statement", "/admin/tenants", "/admin/upstream");
    }

    @Test
    void namesTheSecurityOfEachOperationByItsPath() {
        JsonNode docs = send("GET", "/v3/api-docs", null, Map.of()).json();

        JsonNode schemes = docs.get("components").get("securitySchemes");
        assertThat(schemes.get("tenantKey").get("scheme").asString()).isEqualTo("bearer");
        assertThat(schemes.get("adminToken").get("scheme").asString()).isEqualTo("bearer");
        JsonNode paths = docs.get("paths");
        assertThat(security(paths.get("/admin/usage").get("get"))).isEqualTo("adminToken");
        assertThat(security(paths.get("/admin/tenants").get("post"))).isEqualTo("adminToken");
        assertThat(security(paths.get("/api/v1/usage").get("get"))).isEqualTo("tenantKey");
        assertThat(security(paths.get("/api/v6/images/text2img").get("post"))).isEqualTo("tenantKey");
    }

    @Test
    void documentsTheErrorDialectOnEveryOperation() {
        JsonNode docs = send("GET", "/v3/api-docs", null, Map.of()).json();

        JsonNode errorBody = docs.get("components").get("schemas").get("ErrorBody");
        assertThat(names(errorBody.get("properties"))).containsExactly("status", "message", "code", "request_id",
                "retry_after");
        assertThat(errorBody.get("properties").get("code").get("enum").toString()).contains("budget_exhausted",
                "invalid_key", "invalid_request");
        docs.get("paths").properties().forEach(path -> path.getValue().properties().forEach(operation ->
                assertThat(operation.getValue().get("responses").get("default").get("content")
                    .get("application/json").get("schema").get("$ref").asString())
                    .as("%s %s", operation.getKey(), path.getKey())
                    .isEqualTo("#/components/schemas/ErrorBody")));
    }

    @Test
    void sketchesModelsLabsRequestBodiesOnTheImageRoutes() {
        JsonNode docs = send("GET", "/v3/api-docs", null, Map.of()).json();

        JsonNode text2img = docs.get("paths").get("/api/v6/images/text2img").get("post");
        JsonNode inpaint = docs.get("paths").get("/api/v6/images/inpaint").get("post");

        assertThat(names(text2img.get("requestBody").get("content").get("application/json").get("schema")
            .get("properties"))).contains("key", "model_id", "prompt", "samples", "width", "height");
        assertThat(names(inpaint.get("requestBody").get("content").get("application/json").get("schema")
            .get("properties"))).contains("init_image", "mask_image");
        assertThat(text2img.get("tags").get(0).asString()).isEqualTo("Images");
    }

    @Test
    void splitsTheClientAndAdminApisIntoGroupsAndServesTheUi() {
        JsonNode client = send("GET", "/v3/api-docs/client", null, Map.of()).json();
        JsonNode admin = send("GET", "/v3/api-docs/admin", null, Map.of()).json();
        Response ui = send("GET", "/swagger-ui/index.html", null, Map.of());

        assertThat(names(client.get("paths"))).allMatch(path -> path.startsWith("/api/") || path.startsWith("/webhooks/"))
            .contains("/api/v1/usage", "/webhooks/modelslab/{token}");
        assertThat(names(admin.get("paths"))).allMatch(path -> path.startsWith("/admin/")).contains("/admin/usage");
        assertThat(send("GET", "/swagger-ui.html", null, Map.of()).status()).isIn(200, 302);
        assertThat(ui.status()).isEqualTo(200);
        assertThat(ui.body()).containsIgnoringCase("swagger");
    }

    @Test
    void everyOperationOfBothGroupsHasASummaryAndItsErrorAnswersAsErrorBodies() {
        for (String group : List.of("client", "admin")) {
            JsonNode docs = send("GET", "/v3/api-docs/" + group, null, Map.of()).json();
            docs.get("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
                JsonNode responses = operation.getValue().get("responses");
                assertThat(operation.getValue().path("summary").asString()).as("%s %s", operation.getKey(),
                        path.getKey()).isNotBlank();
                // ModelsLab's callbacks take no credentials, so they are never refused with 401.
                List<String> always = path.getKey().startsWith("/webhooks/") ? List.of("404", "503")
                        : List.of("401", "503");
                assertThat(names(responses)).as("%s %s", operation.getKey(), path.getKey())
                    .containsAll(always)
                    .allSatisfy(status -> {
                        if (status.startsWith("4") || status.startsWith("5")) {
                            assertThat(responses.get(status).get("content").get("application/json").get("schema")
                                .get("$ref").asString()).isEqualTo("#/components/schemas/ErrorBody");
                        }
                    });
            }));
        }
    }

    @Test
    void documentsTheErrorsEachKindOfRouteCanAnswer() {
        JsonNode client = send("GET", "/v3/api-docs/client", null, Map.of()).json().get("paths");
        JsonNode admin = send("GET", "/v3/api-docs/admin", null, Map.of()).json().get("paths");

        JsonNode text2img = client.get("/api/v6/images/text2img").get("post").get("responses");
        assertThat(names(text2img)).containsExactly("200", "400", "401", "402", "403", "409", "413", "422", "429",
                "502", "503", "504", "default");
        assertThat(text2img.get("402").get("description").asString()).contains("budget_exhausted");
        assertThat(text2img.get("429").get("description").asString()).contains("daily_limit", "rate_limited",
                "too_many_concurrent", "upstream_rate_limited");
        assertThat(names(text2img.get("429").get("headers"))).containsExactly("Retry-After");
        assertThat(names(client.get("/api/v6/images/fetch/{id}").get("post").get("responses"))).contains("404")
            .doesNotContain("402");
        assertThat(names(admin.get("/admin/tenants").get("post").get("responses"))).containsExactly("201", "400",
                "401", "409", "503", "default");
        assertThat(names(admin.get("/admin/tenants/{id}").get("get").get("responses"))).containsExactly("200",
                "401", "404", "503", "default");
        assertThat(names(admin.get("/admin/tenants/{id}/keys/{keyId}").get("delete").get("responses")))
            .contains("400", "404");
    }

    @Test
    void eachGroupOffersOnlyTheCredentialItsRoutesTake() {
        JsonNode client = send("GET", "/v3/api-docs/client", null, Map.of()).json();
        JsonNode admin = send("GET", "/v3/api-docs/admin", null, Map.of()).json();

        assertThat(names(client.get("components").get("securitySchemes"))).containsExactly("tenantKey");
        assertThat(names(admin.get("components").get("securitySchemes"))).containsExactly("adminToken");
    }

    @Test
    void describesTheTenantPatchAsItsFieldsNotAsJacksonsJsonNode() {
        JsonNode admin = send("GET", "/v3/api-docs/admin", null, Map.of()).json();

        JsonNode body = admin.get("paths").get("/admin/tenants/{id}").get("patch").get("requestBody").get("content")
            .get("application/json").get("schema");
        assertThat(names(body.get("properties"))).contains("monthlyBudgetUsd", "suspended", "alertThresholds")
            .doesNotContain("nodeType", "object");
        assertThat(names(admin.get("components").get("schemas"))).doesNotContain("JsonNode");
    }

    /**
     * Writes both documents where {@code .ci/run} lints them with Redocly: other teams generate clients from exactly
     * these two, so they are checked as served, not as a copy kept in the repository.
     */
    @Test
    void writesBothGroupsForTheLinter() throws IOException {
        Path dir = Path.of("target", "openapi");
        Files.createDirectories(dir);
        for (String group : List.of("client", "admin")) {
            Response docs = send("GET", "/v3/api-docs/" + group, null, Map.of());
            assertThat(docs.status()).isEqualTo(200);
            Files.writeString(dir.resolve(group + ".json"), JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(docs.json()));
        }
    }

    private static String security(JsonNode operation) {
        return names(operation.get("security").get(0)).getFirst();
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.propertyNames().forEach(names::add);
        return names;
    }
}
