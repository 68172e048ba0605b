package com.example.gateway.config;

import com.example.gateway.errors.ErrorCode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;

/**
 * The error answers each kind of route documents, one response per status with the {@code ErrorBody} schema, so that
 * a generated client gets a typed error for every status it will really meet. They are chosen by path, like the
 * security, so that a new controller method needs no annotation for them; a controller declares only an answer
 * peculiar to one operation (say 409 on a create), with its description only, and gets the {@code ErrorBody} content
 * for it here. The rarer answers (405, 413 outside the image routes, 415, 500) stay under {@code default}.
 */
final class DocumentedErrors {

    private static final String ERROR_BODY_REF = "#/components/schemas/" + OpenApiConfiguration.ERROR_BODY;

    /** ModelsLab's generation routes: everything admission, idempotency and the upstream can refuse. */
    private static final Set<ErrorCode> GENERATION = EnumSet.of(ErrorCode.INVALID_REQUEST,
            ErrorCode.MODEL_NOT_ENABLED, ErrorCode.INVALID_KEY, ErrorCode.BUDGET_EXHAUSTED,
            ErrorCode.TENANT_SUSPENDED, ErrorCode.IDEMPOTENCY_IN_PROGRESS, ErrorCode.PAYLOAD_TOO_LARGE,
            ErrorCode.IDEMPOTENCY_KEY_REUSED, ErrorCode.DAILY_LIMIT, ErrorCode.RATE_LIMITED,
            ErrorCode.TOO_MANY_CONCURRENT, ErrorCode.UPSTREAM_RATE_LIMITED, ErrorCode.UPSTREAM_ERROR,
            ErrorCode.UNAVAILABLE, ErrorCode.UPSTREAM_TIMEOUT);

    /** Fetches are never admitted or charged, so no quota answers; but the id may belong to no call of the caller's. */
    private static final Set<ErrorCode> FETCH = EnumSet.of(ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_KEY,
            ErrorCode.TENANT_SUSPENDED, ErrorCode.NOT_FOUND, ErrorCode.PAYLOAD_TOO_LARGE,
            ErrorCode.UPSTREAM_RATE_LIMITED, ErrorCode.UPSTREAM_ERROR, ErrorCode.UNAVAILABLE,
            ErrorCode.UPSTREAM_TIMEOUT);

    /** ModelsLab's callbacks: a body checked like a client's, and a token that may be unknown. */
    private static final Set<ErrorCode> CALLBACK = EnumSet.of(ErrorCode.INVALID_REQUEST, ErrorCode.NOT_FOUND,
            ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.UNAVAILABLE);

    private DocumentedErrors() {
    }

    /** Adds the route's error answers, gives every error answer the ErrorBody, and orders the answers by status. */
    static void document(String path, Operation operation) {
        ApiResponses responses = operation.getResponses();
        Map<Integer, List<ErrorCode>> byStatus = codesOf(path, operation).stream()
            .collect(Collectors.groupingBy(code -> code.status().value(), TreeMap::new, Collectors.toList()));
        boolean admin = path.startsWith("/admin/");
        byStatus.forEach((status, codes) -> {
            if (!responses.containsKey(String.valueOf(status))) {
                responses.addApiResponse(String.valueOf(status), new ApiResponse().description(codes.stream()
                    .map(code -> "`" + code.code() + "`: " + meaning(code, admin))
                    .collect(Collectors.joining("; "))));
            }
        });
        responses.forEach((status, response) -> {
            if (isError(status)) {
                // Always: the gateway answers no error in another shape, and springdoc fills an error a controller
                // declares without content with the method's return type.
                response.setContent(errorContent());
                if ("429".equals(status)) {
                    response.addHeaderObject("Retry-After", new Header()
                        .description("Seconds to wait before retrying, as in the body's retry_after")
                        .schema(new IntegerSchema()));
                }
            }
        });
        operation.setResponses(ordered(responses));
    }

    static Content errorContent() {
        return new Content().addMediaType("application/json",
                new MediaType().schema(new Schema<>().$ref(ERROR_BODY_REF)));
    }

    private static Set<ErrorCode> codesOf(String path, Operation operation) {
        if (path.startsWith("/api/v6/images/fetch")) {
            return FETCH;
        }
        if (path.startsWith("/api/v6/images/")) {
            return GENERATION;
        }
        if (path.startsWith("/webhooks/")) {
            return CALLBACK;
        }
        if (!path.startsWith("/api/") && !path.startsWith("/admin/")) {
            // Outside both groups (the local profile's simulator, in the ungrouped document): nothing to claim.
            return EnumSet.noneOf(ErrorCode.class);
        }
        Set<ErrorCode> codes = EnumSet.of(ErrorCode.INVALID_KEY, ErrorCode.UNAVAILABLE);
        if (takesInput(operation)) {
            codes.add(ErrorCode.INVALID_REQUEST);
        }
        if (path.startsWith("/admin/")) {
            if (path.contains("{")) {
                codes.add(ErrorCode.NOT_FOUND);
            }
        }
        else {
            // The other client routes (the tenant's own usage) authenticate the tenant like the image routes.
            codes.add(ErrorCode.TENANT_SUSPENDED);
        }
        return codes;
    }

    /**
     * Whether the operation can be refused for its input: a body, a query or header parameter, or a path variable
     * that must parse (a key's UUID). A plain text path variable names something that exists or not: 404, not 400.
     */
    private static boolean takesInput(Operation operation) {
        if (operation.getRequestBody() != null) {
            return true;
        }
        List<Parameter> parameters = operation.getParameters() == null ? List.of() : operation.getParameters();
        return parameters.stream().anyMatch(p -> !"path".equals(p.getIn()) || p.getSchema() == null
                || !"string".equals(type(p.getSchema())) || p.getSchema().getFormat() != null);
    }

    private static String type(Schema<?> schema) {
        if (schema.getType() != null) {
            return schema.getType();
        }
        return schema.getTypes() == null || schema.getTypes().size() != 1 ? null : schema.getTypes().iterator().next();
    }

    /** Exhaustive, so that a new code cannot be added without saying here what it means to a client. */
    private static String meaning(ErrorCode code, boolean admin) {
        return switch (code) {
            case INVALID_REQUEST -> "the request is malformed or a parameter is invalid; the message names it";
            case MODEL_NOT_ENABLED -> "model_id names a model this gateway has no price for";
            case INVALID_KEY -> admin ? "the admin token is missing or wrong (a tenant key is refused here)"
                    : "the tenant key is missing, unknown or revoked (the admin token is refused here)";
            case BUDGET_EXHAUSTED -> "the tenant's monthly budget cannot pay for this call";
            case TENANT_SUSPENDED -> "the tenant is suspended";
            case NOT_FOUND -> admin ? "no such tenant, key or cost centre" : "no generation with this id was made for this tenant";
            case METHOD_NOT_ALLOWED -> "this method is not allowed here";
            case CONFLICT -> "it already exists";
            case IDEMPOTENCY_IN_PROGRESS -> "a call with this Idempotency-Key is still in flight; retry later";
            case UNSUPPORTED_MEDIA_TYPE -> "the body must be JSON";
            case IDEMPOTENCY_KEY_REUSED -> "this Idempotency-Key came with another body within 24 hours";
            case PAYLOAD_TOO_LARGE -> "the body is too large";
            case DAILY_LIMIT -> "the tenant's daily call limit is reached";
            case RATE_LIMITED -> "the tenant's calls-per-minute limit is reached";
            case TOO_MANY_CONCURRENT -> "the tenant has its maximum of calls in flight";
            case UPSTREAM_RATE_LIMITED -> "ModelsLab's queue is full, or no slot of the account's cap came free in time";
            case INTERNAL_ERROR -> "the gateway failed";
            case UPSTREAM_ERROR -> "ModelsLab failed or could not be reached";
            case UNAVAILABLE -> "the gateway's database is unavailable; not charged, retry later";
            case UPSTREAM_TIMEOUT -> "ModelsLab did not answer in time";
        };
    }

    private static boolean isError(String status) {
        return status.length() == 3 && (status.charAt(0) == '4' || status.charAt(0) == '5');
    }

    /** Successes, then errors by status, then default: the order a reader (and a diff) expects. */
    private static ApiResponses ordered(ApiResponses responses) {
        List<Map.Entry<String, ApiResponse>> entries = new ArrayList<>(responses.entrySet());
        entries.sort(Comparator.comparing(e -> "default".equals(e.getKey()) ? "~" : e.getKey()));
        ApiResponses sorted = new ApiResponses();
        entries.forEach(e -> sorted.addApiResponse(e.getKey(), e.getValue()));
        sorted.setExtensions(responses.getExtensions());
        return sorted;
    }
}
