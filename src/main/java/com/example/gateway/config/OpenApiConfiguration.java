package com.example.gateway.config;

import com.example.gateway.errors.ErrorCode;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.media.UUIDSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.GlobalOpenApiCustomizer;
import org.springdoc.core.models.GroupedOpenApi;
import org.springdoc.core.utils.SpringDocUtils;
import tools.jackson.databind.JsonNode;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description at {@code /v3/api-docs} (and per group, {@code client} and {@code admin}) and
 * {@code /swagger-ui.html}. Security and the error answers ({@link DocumentedErrors}) are added here by path, the way
 * {@code WebConfiguration} guards {@code /admin/**}, so no controller can forget them. Other teams generate clients from
 * the two groups, and CI lints both with Redocly ({@code redocly.yaml}): no errors and no warnings.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static final String TENANT_KEY = "tenantKey";
    static final String ADMIN_TOKEN = "adminToken";
    static final String ERROR_BODY = "ErrorBody";

    static {
        // springdoc 3.0 reads types with Jackson 2, to which Jackson 3's JsonNode is a bean of isObject()-style flags:
        // a client generated from that would send {"object":true,...}. Such a body is any JSON object.
        SpringDocUtils.getConfig().replaceWithSchema(JsonNode.class, new ObjectSchema());
    }

    @Bean
    OpenAPI gatewayOpenApi() {
        return new OpenAPI()
            .info(new Info().title("ModelsLab gateway")
                .version("v1")
                .description("ModelsLab's image API behind tenant keys, exact budgets and one shared ModelsLab key. "
                        + "Image routes keep ModelsLab's paths and bodies; every error the gateway itself answers is "
                        + "an ErrorBody, in ModelsLab's dialect.")
                // An internal service: no public license to link to, so an SPDX reference names it instead.
                .license(new License().name("Proprietary, for internal use only").identifier("LicenseRef-Proprietary")))
            .components(new Components()
                .addSecuritySchemes(TENANT_KEY, new SecurityScheme().type(SecurityScheme.Type.HTTP)
                    .scheme("bearer")
                    .description("A tenant key (mlg_...). Image routes also take it as the body field key, as "
                            + "ModelsLab clients send it."))
                .addSecuritySchemes(ADMIN_TOKEN, new SecurityScheme().type(SecurityScheme.Type.HTTP)
                    .scheme("bearer")
                    .description("The admin token (GATEWAY_ADMIN_TOKEN); a tenant key is refused here.")));
    }

    @Bean
    GroupedOpenApi clientApi() {
        // ModelsLab's callbacks belong to the client API's readers: they are how its webhooks come back.
        return GroupedOpenApi.builder()
            .group("client")
            .displayName("Client API")
            .pathsToMatch("/api/**", "/webhooks/**")
            .build();
    }

    @Bean
    GroupedOpenApi adminApi() {
        return GroupedOpenApi.builder().group("admin").displayName("Admin API").pathsToMatch("/admin/**").build();
    }

    @Bean
    GlobalOpenApiCustomizer securityAndErrors() {
        return openApi -> {
            // Added here rather than on the bean: springdoc drops schemas that nothing referenced when it built them.
            openApi.getComponents().addSchemas(ERROR_BODY, errorBody());
            if (openApi.getPaths() == null) {
                return;
            }
            Set<String> usedSchemes = new HashSet<>();
            openApi.getPaths().forEach((path, item) -> item.readOperations().forEach(operation -> {
                String scheme = path.startsWith("/admin/") ? ADMIN_TOKEN : path.startsWith("/api/") ? TENANT_KEY : null;
                if (scheme != null) {
                    operation.setSecurity(List.of(new SecurityRequirement().addList(scheme)));
                    usedSchemes.add(scheme);
                }
                else if (path.startsWith("/webhooks/")) {
                    // ModelsLab's callbacks carry no credentials: the token in the path is the credential.
                    operation.setSecurity(List.of());
                }
                operation.getResponses().addApiResponse("default", new ApiResponse()
                    .description("An error answered by the gateway: 400, 401, 402, 403, 404, 409, 413, 415, 422, "
                            + "429 (with Retry-After), 500, 502, 503 or 504")
                    .content(DocumentedErrors.errorContent()));
                DocumentedErrors.document(path, operation);
            }));
            // Each group is built from its own copy, so this leaves the other group's scheme alone. A client
            // generated from the admin document should not offer a tenant key, nor the client one an admin token.
            Map<String, SecurityScheme> schemes = openApi.getComponents().getSecuritySchemes();
            if (schemes != null) {
                schemes.keySet().retainAll(usedSchemes);
            }
        };
    }

    private static Schema<?> errorBody() {
        List<String> codes = Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList();
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put("status", new StringSchema()._enum(List.of("error")));
        properties.put("message", new StringSchema()
            .description("A sentence for humans; never a key or a stack trace"));
        properties.put("code", new StringSchema()._enum(codes));
        properties.put("request_id", new UUIDSchema().description("Also in the X-Request-Id header"));
        properties.put("retry_after", new IntegerSchema().format("int64")
            .description("Seconds to wait before retrying; only on 429, like the Retry-After header"));
        return new ObjectSchema()
            .description("The gateway's error answer: ModelsLab's status and message, a machine-readable code and "
                    + "the request id")
            .properties(properties)
            .required(List.of("status", "message", "code", "request_id"));
    }
}
