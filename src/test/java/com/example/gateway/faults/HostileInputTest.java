package com.example.gateway.faults;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import com.example.gateway.support.Bodies;
import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static com.example.gateway.faults.ErrorDialect.assertError;
import static com.example.gateway.faults.ErrorDialect.assertNoSecrets;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and malformed requests, one table. A refused request is answered in the dialect with its status and code,
 * reaches no ModelsLab and costs nothing; a request that is odd but valid (emoji, lone surrogates, NUL) goes through
 * intact and is charged once. Never a 500, and never a key in a response or in a log line.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest extends GatewayIntegrationTest {

    private static final String TEXT2IMG = "/api/v6/images/text2img";
    private static final String CAT = Bodies.text2img("a cat");
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private TestTenant victim;
    private TestTenant other;
    private TestTenant revoked;
    private TestTenant suspended;
    private String foreignGeneration;
    private List<String> secrets;

    @BeforeAll
    void tenants() {
        victim = tenant();
        other = tenant();
        foreignGeneration = text2img(other.key(), Bodies.text2img("someone else's cat")).json().get("id").asString();
        revoked = tenant();
        String keyId = admin("GET", "/admin/tenants/" + revoked.id() + "/keys", null).json().get(0).get("id").asString();
        assertThat(admin("DELETE", "/admin/tenants/" + revoked.id() + "/keys/" + keyId, null).status()).isEqualTo(204);
        suspended = tenant();
        assertThat(admin("PATCH", "/admin/tenants/" + suspended.id(), """
                {"suspended":true}""").status()).isEqualTo(200);
        secrets = List.of(SHARED_KEY, victim.key(), other.key(), revoked.key(), suspended.key());
    }

    static Stream<Case> cases() {
        return Stream.of(
                // Size and shape of the body
                refused("body one byte over 64 KiB", 413, "payload_too_large", t -> t.asVictim(sized(64 * 1024 + 1))),
                accepted("body of exactly 64 KiB", "a cat", t -> t.asVictim(sized(64 * 1024))),
                refused("1 MiB body with a bogus key: size is judged first", 413, "payload_too_large",
                        t -> t.text2img("mlg_bogus", sized(1024 * 1024))),
                refused("chunked body over 64 KiB, no Content-Length", 413, "payload_too_large",
                        t -> t.raw("POST " + TEXT2IMG + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n" + t.auth() + "\r\n"
                                + Integer.toHexString(70_000) + "\r\n" + sized(70_000) + "\r\n0\r\n\r\n")),
                accepted("chunked body with a trailer field", "a cat",
                        t -> t.raw(t.chunked(CAT, "X-Checksum: abc\r\n"))),
                refused("chunked body with a trailer over 1 KiB", 400, "invalid_request",
                        t -> t.raw(t.chunked(CAT, "X-Pad: " + "p".repeat(2048) + "\r\n"))),
                refused("chunk size that is not hexadecimal", 400, "invalid_request",
                        t -> t.raw("POST " + TEXT2IMG + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n" + t.auth() + "\r\n"
                                + "zz\r\n" + CAT + "\r\n0\r\n\r\n")),
                invalid("empty body", "", null),
                invalid("body of blanks", " \r\n\t ", null),
                invalid("body null", "null", null),
                invalid("body []", "[]", null),
                invalid("body a JSON string", "\"a cat\"", null),
                invalid("body a JSON number", "42", null),
                invalid("truncated JSON", "{\"prompt\":", null),
                invalid("trailing garbage after the object", CAT + " trailing", null),
                invalid("two objects in one body", CAT + "{\"prompt\":\"a dog\"}", null),
                invalid("duplicate prompt fields", "{\"prompt\":\"a cat\",\"prompt\":\"a dog\"}", null),
                refused("duplicate key fields smuggling a second key", 400, "invalid_request",
                        t -> t.send("POST", TEXT2IMG, "{\"key\":\"" + t.victim.key() + "\",\"key\":\"" + t.other.key()
                                + "\",\"prompt\":\"a cat\"}", Map.of())),
                invalid("65 levels of nesting", nested(65), null),
                accepted("64 levels of nesting", "a cat", t -> t.asVictim(nested(64))),
                invalid("JSON with a comment", "{/* hi */\"prompt\":\"a cat\"}", null),
                invalid("JSON with single quotes", "{'prompt':'a cat'}", null),
                invalid("NaN as width", "{\"prompt\":\"a cat\",\"width\":NaN}", null),
                refused("bytes that are not UTF-8", 400, "invalid_request", t -> t.raw(RawHttp.post(TEXT2IMG, t.auth(),
                        new byte[] { '{', '"', 'p', 'r', 'o', 'm', 'p', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28,
                                (byte) 0xFF, '"', '}' }))),

                // Wrong types
                invalid("prompt as a number", "{\"prompt\":42}", "prompt"),
                invalid("prompt as an array", "{\"prompt\":[\"a cat\"]}", "prompt"),
                invalid("prompt as an object", "{\"prompt\":{\"text\":\"a cat\"}}", "prompt"),
                invalid("prompt null", "{\"prompt\":null}", "prompt"),
                invalid("prompt missing", "{\"negative_prompt\":\"a dog\"}", "prompt"),
                invalid("prompt of blanks only", "{\"prompt\":\" \\t\\n \"}", "prompt"),
                invalid("width true", "{\"prompt\":\"a cat\",\"width\":true}", "width"),
                invalid("samples \"four\"", "{\"prompt\":\"a cat\",\"samples\":\"four\"}", "samples"),
                invalid("height as an object", "{\"prompt\":\"a cat\",\"height\":{\"px\":512}}", "height"),
                invalid("negative_prompt as a number", "{\"prompt\":\"a cat\",\"negative_prompt\":7}", "negative_prompt"),
                invalid("model_id as an array", "{\"prompt\":\"a cat\",\"model_id\":[\"octoflat\"]}", "model_id"),
                invalid("model_id of blanks", "{\"prompt\":\"a cat\",\"model_id\":\"  \"}", "model_id"),
                refused("model_id with NUL and newline", 400, "model_not_enabled",
                        t -> t.asVictim("{\"prompt\":\"a cat\",\"model_id\":\"octo\\u0000flat\\n\"}")),
                refused("key as a number in the body", 401, "invalid_key",
                        t -> t.send("POST", TEXT2IMG, "{\"key\":12345,\"prompt\":\"a cat\"}", Map.of())),
                refused("key as an object in the body", 401, "invalid_key",
                        t -> t.send("POST", TEXT2IMG, "{\"key\":{\"$ne\":null},\"prompt\":\"a cat\"}", Map.of())),

                // Huge, tiny and negative numbers
                invalid("width 1e400", "{\"prompt\":\"a cat\",\"width\":1e400}", "width"),
                invalid("height -1e400", "{\"prompt\":\"a cat\",\"height\":-1e400}", "height"),
                invalid("samples 99999999999999999999", "{\"prompt\":\"a cat\",\"samples\":99999999999999999999}", "samples"),
                invalid("width as a 30-digit string", "{\"prompt\":\"a cat\",\"width\":\"" + "9".repeat(30) + "\"}", "width"),
                invalid("num_inference_steps 1e-400", "{\"prompt\":\"a cat\",\"num_inference_steps\":1e-400}",
                        "num_inference_steps"),
                invalid("samples 2.5", "{\"prompt\":\"a cat\",\"samples\":2.5}", "samples"),
                invalid("a 2000-digit number", "{\"prompt\":\"a cat\",\"seed\":" + "7".repeat(2000) + "}", null),
                invalid("width 0", "{\"prompt\":\"a cat\",\"width\":0}", "width"),
                invalid("height -512", "{\"prompt\":\"a cat\",\"height\":-512}", "height"),
                invalid("width 1032", "{\"prompt\":\"a cat\",\"width\":1032}", "width"),
                invalid("width 513, not divisible by 8", "{\"prompt\":\"a cat\",\"width\":513}", "width"),
                invalid("height \"248\"", "{\"prompt\":\"a cat\",\"height\":\"248\"}", "height"),
                invalid("samples 0", "{\"prompt\":\"a cat\",\"samples\":0}", "samples"),
                invalid("samples 5", "{\"prompt\":\"a cat\",\"samples\":5}", "samples"),
                invalid("samples -1", "{\"prompt\":\"a cat\",\"samples\":-1}", "samples"),
                invalid("num_inference_steps 0", "{\"prompt\":\"a cat\",\"num_inference_steps\":0}", "num_inference_steps"),
                invalid("num_inference_steps -5", "{\"prompt\":\"a cat\",\"num_inference_steps\":-5}", "num_inference_steps"),
                invalid("prompt of 2001 characters", prompt("a".repeat(2001)), "prompt"),
                invalid("negative_prompt of 2001 characters",
                        "{\"prompt\":\"a cat\",\"negative_prompt\":\"" + "a".repeat(2001) + "\"}", "negative_prompt"),

                // Unicode
                accepted("prompt of 2000 emoji, 4000 UTF-16 units", "🐈".repeat(2000), t -> t.asVictim(prompt("🐈".repeat(2000)))),
                invalid("prompt of 2001 emoji", prompt("🐈".repeat(2001)), "prompt"),
                accepted("emoji ZWJ sequences and flags", "👩‍👩‍👧‍👦 🏳️‍🌈 🇯🇵 cat",
                        t -> t.asVictim(prompt("👩‍👩‍👧‍👦 🏳️‍🌈 🇯🇵 cat"))),
                accepted("right-to-left text with override marks", "\u202Eقطة على السطح\u202C",
                        t -> t.asVictim(prompt("\u202Eقطة على السطح\u202C"))),
                accepted("combining marks", "c\u0334\u0321a\u0337\u0301t\u0338\u0302\u0303",
                        t -> t.asVictim(prompt("c\u0334\u0321a\u0337\u0301t\u0338\u0302\u0303"))),
                accepted("lone high surrogate escape", "a\ud800b", t -> t.asVictim("{\"prompt\":\"a\\ud800b\"}")),
                accepted("lone low surrogate escape", "\udc00cat", t -> t.asVictim("{\"prompt\":\"\\udc00cat\"}")),
                accepted("NUL in the prompt", "a\u0000cat", t -> t.asVictim("{\"prompt\":\"a\\u0000cat\"}")),
                accepted("SQL in the prompt", "'; DROP TABLE call_ledger; --",
                        t -> t.asVictim(prompt("'; DROP TABLE call_ledger; --"))),

                // Idempotency-Key
                refused("empty Idempotency-Key", 400, "invalid_request",
                        t -> t.raw(RawHttp.post(TEXT2IMG, t.auth() + "Idempotency-Key:\r\n", CAT))),
                refused("Idempotency-Key of 10,000 characters", 400, "invalid_request",
                        t -> t.asVictim(CAT, Map.of("Idempotency-Key", "k".repeat(10_000)))),
                refused("Idempotency-Key of 256 characters", 400, "invalid_request",
                        t -> t.asVictim(CAT, Map.of("Idempotency-Key", "k".repeat(256)))),
                accepted("Idempotency-Key of 1 character", "a cat",
                        t -> t.asVictim(CAT, Map.of("Idempotency-Key", "k"))),
                accepted("Idempotency-Key of 255 characters", "a cat",
                        t -> t.asVictim(CAT, Map.of("Idempotency-Key", "k".repeat(255)))),
                accepted("Idempotency-Key with SQL", "a cat",
                        t -> t.asVictim(CAT, Map.of("Idempotency-Key", "k'; DROP TABLE idempotency_record; --"))),
                refused("Idempotency-Key with non-ASCII", 400, "invalid_request",
                        t -> t.raw(RawHttp.post(TEXT2IMG, t.auth() + "Idempotency-Key: clé-ключ\r\n", CAT))),
                refused("Idempotency-Key with a tab", 400, "invalid_request",
                        t -> t.raw(RawHttp.post(TEXT2IMG, t.auth() + "Idempotency-Key: a\tb\r\n", CAT))),
                // Tomcat logs only the first unparseable request of a run at INFO: this one goes first, so a key in it
                // would show up in the captured log.
                refused("Authorization with a bare CR after the key", 400, "invalid_request",
                        t -> t.raw(RawHttp.post(TEXT2IMG, "Authorization: Bearer " + t.victim.key() + "\rX-Injected: 1\r\n", CAT))),
                refused("Idempotency-Key with a bare CR smuggling a header", 400, "invalid_request",
                        t -> t.raw(RawHttp.post(TEXT2IMG, t.auth() + "Idempotency-Key: k-cr\rX-Injected: 1\r\n", CAT))),
                accepted("Idempotency-Key cut by a bare LF: the rest is just another request header", "a cat",
                        t -> t.raw(RawHttp.post(TEXT2IMG, t.auth() + "Idempotency-Key: k-lf\nX-Injected: 1\r\n", CAT))),
                accepted("Idempotency-Key with an encoded CRLF stays literal", "a cat",
                        t -> t.asVictim(CAT, Map.of("Idempotency-Key", "k%0D%0AX-Injected:%201"))),

                // Authorization
                refused("Bearer token of 16 KiB", 401, "invalid_key",
                        t -> t.text2img("mlg_" + "A".repeat(16 * 1024), CAT)),
                refused("Authorization of 32 KiB, over the header limit", 400, "invalid_request",
                        t -> t.raw(RawHttp.post(TEXT2IMG, "Authorization: Bearer mlg_" + "A".repeat(32 * 1024) + "\r\n", CAT))),
                refused("Authorization 'Bearer' alone", 401, "invalid_key",
                        t -> t.send("POST", TEXT2IMG, CAT, Map.of("Authorization", "Bearer"))),
                refused("Authorization 'Bearer' and blanks", 401, "invalid_key",
                        t -> t.raw(RawHttp.post(TEXT2IMG, "Authorization: Bearer   \r\n", CAT))),
                refused("Authorization Basic", 401, "invalid_key",
                        t -> t.send("POST", TEXT2IMG, CAT, Map.of("Authorization", "Basic dXNlcjpwYXNz"))),
                refused("Authorization with non-ASCII", 401, "invalid_key",
                        t -> t.raw(RawHttp.post(TEXT2IMG, "Authorization: Bearer mlg_ключ🔑\r\n", CAT))),
                refused("Authorization with the key and trailing junk", 401, "invalid_key",
                        t -> t.text2img(t.victim.key() + "x", CAT)),
                refused("Authorization with the key cut short", 401, "invalid_key",
                        t -> t.text2img(t.victim.key().substring(0, t.victim.key().length() - 1), CAT)),
                refused("Authorization with SQL", 401, "invalid_key", t -> t.text2img("mlg_' OR '1'='1", CAT)),
                refused("the shared ModelsLab key as a tenant key", 401, "invalid_key", t -> t.text2img(SHARED_KEY, CAT)),
                refused("the admin token on a client endpoint", 401, "invalid_key", t -> t.text2img(ADMIN_TOKEN, CAT)),
                refused("the admin token as the body key", 401, "invalid_key",
                        t -> t.send("POST", TEXT2IMG, "{\"key\":\"" + ADMIN_TOKEN + "\",\"prompt\":\"a cat\"}", Map.of())),
                refused("no credentials", 401, "invalid_key", t -> t.send("POST", TEXT2IMG, CAT, Map.of())),
                refused("Bearer and body keys of two tenants", 401, "invalid_key",
                        t -> t.text2img(t.victim.key(), "{\"key\":\"" + t.other.key() + "\",\"prompt\":\"a cat\"}")),
                refused("a revoked key", 401, "invalid_key", t -> t.text2img(t.revoked.key(), CAT)),
                refused("a revoked key in the body", 401, "invalid_key",
                        t -> t.send("POST", TEXT2IMG, "{\"key\":\"" + t.revoked.key() + "\",\"prompt\":\"a cat\"}", Map.of())),
                refused("a suspended tenant's key", 403, "tenant_suspended", t -> t.text2img(t.suspended.key(), CAT)),

                // Fetch ids
                refused("fetch id that looks like SQL", 404, "not_found",
                        t -> t.fetch("/api/v6/images/fetch/1%27%20OR%201=1", "{}")),
                refused("fetch id with encoded slashes climbing out", 400, "invalid_request",
                        t -> t.fetch("/api/v6/images/fetch/..%2F..%2Fetc%2Fpasswd", "{}")),
                refused("fetch path with dot segments up to the admin API", 404, "not_found",
                        t -> t.raw(RawHttp.post("/api/v6/images/fetch/../../../../admin/tenants", t.auth(), "{}"))),
                refused("path above the root", 400, "invalid_request",
                        t -> t.raw(RawHttp.post("/../../etc/passwd", t.auth(), "{}"))),
                refused("a tenant key pasted into a path with dot segments", 404, "not_found",
                        t -> t.raw(RawHttp.post("/api/v6/images/fetch/../" + t.other.key(), t.auth(), "{}"))),
                refused("fetch id with an encoded NUL", 400, "invalid_request",
                        t -> t.fetch("/api/v6/images/fetch/1%00", "{}")),
                refused("request_id '1; DROP TABLE tenant'", 404, "not_found",
                        t -> t.fetch("/api/v6/images/fetch", "{\"request_id\":\"1; DROP TABLE tenant\"}")),
                refused("request_id as an object", 404, "not_found",
                        t -> t.fetch("/api/v6/images/fetch", "{\"request_id\":{\"$gt\":0}}")),
                refused("fetch of an unknown id", 404, "not_found", t -> t.fetch("/api/v6/images/fetch/999999999", "{}")),
                refused("fetch id of 21 digits", 404, "not_found",
                        t -> t.fetch("/api/v6/images/fetch/" + "9".repeat(21), "{}")),
                refused("fetch id -1", 404, "not_found", t -> t.fetch("/api/v6/images/fetch/-1", "{}")),
                refused("fetch of another tenant's generation", 404, "not_found",
                        t -> t.fetch("/api/v6/images/fetch/" + t.foreignGeneration, "{}")),
                refused("fetch of another tenant's generation by request_id", 404, "not_found",
                        t -> t.fetch("/api/v6/images/fetch", "{\"request_id\":" + t.foreignGeneration + "}")),
                refused("fetch without a key", 401, "invalid_key",
                        t -> t.send("POST", "/api/v6/images/fetch/" + t.foreignGeneration, "{}", Map.of())),
                refused("fetch with the admin token", 401, "invalid_key",
                        t -> t.send("POST", "/api/v6/images/fetch/" + t.foreignGeneration, "{}", bearer(ADMIN_TOKEN))),

                // Admin endpoints
                refused("admin list with a tenant key", 401, "invalid_key",
                        t -> t.send("GET", "/admin/tenants", null, bearer(t.victim.key()))),
                refused("admin create with a tenant key", 401, "invalid_key",
                        t -> t.send("POST", "/admin/tenants", "{\"id\":\"evil\",\"name\":\"Evil\"}", bearer(t.victim.key()))),
                refused("un-suspending oneself with one's own key", 401, "invalid_key",
                        t -> t.send("PATCH", "/admin/tenants/" + t.suspended.id(), "{\"suspended\":false}",
                                bearer(t.suspended.key()))),
                refused("revoking a key with a tenant key", 401, "invalid_key",
                        t -> t.send("DELETE", "/admin/tenants/" + t.victim.id() + "/keys/" + UUID.randomUUID(), null,
                                bearer(t.victim.key()))),
                refused("admin with the shared ModelsLab key", 401, "invalid_key",
                        t -> t.send("GET", "/admin/tenants", null, bearer(SHARED_KEY))),
                refused("admin with the admin token and a suffix", 401, "invalid_key",
                        t -> t.send("GET", "/admin/tenants", null, bearer(ADMIN_TOKEN + "x"))),
                refused("admin without credentials", 401, "invalid_key", t -> t.send("GET", "/admin/tenants", null, Map.of())),

                // Routing and framing
                refused("unknown route", 404, "not_found", t -> t.send("POST", "/api/v6/images/nope", CAT, Map.of())),
                refused("GET on text2img", 405, "method_not_allowed",
                        t -> t.send("GET", TEXT2IMG, null, bearer(t.victim.key()))),
                refused("two different Content-Lengths", 400, "invalid_request",
                        t -> t.raw("POST " + TEXT2IMG + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + t.auth()
                                + "Content-Type: application/json\r\nContent-Length: 18\r\nContent-Length: 3\r\n\r\n" + CAT)),
                refused("Content-Length that is not a number", 400, "invalid_request",
                        t -> t.raw("POST " + TEXT2IMG + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + t.auth()
                                + "Content-Type: application/json\r\nContent-Length: 1e3\r\n\r\n" + CAT)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hostileInput(Case hostile, CapturedOutput output) {
        Map<String, Charge> chargesBefore = charges();

        Response response = hostile.call().apply(this);

        assertThat(response.status()).as("never a 500: %s", response.body()).isNotEqualTo(500);
        if (hostile.code() == null) {
            assertThat(response.status()).as("accepted: %s", response.body()).isEqualTo(200);
            assertThat(upstream.received()).hasSize(1);
            JsonNode forwarded = MAPPER.readTree(upstream.received().getFirst().body());
            assertThat(forwarded.get("prompt").asString()).as("the prompt arrives as sent").isEqualTo(hostile.prompt());
            Charge before = chargesBefore.get(victim.id());
            assertThat(charges().get(victim.id())).as("charged once")
                .isEqualTo(new Charge(before.rows() + 1, before.usd().add(PRICE)));
        }
        else {
            JsonNode error = assertError(response, hostile.status(), hostile.code());
            if (hostile.field() != null) {
                assertThat(error.get("message").asString()).contains("'" + hostile.field() + "'");
            }
            assertThat(upstream.received()).as("nothing forwarded").isEmpty();
            assertThat(charges()).as("nothing charged").isEqualTo(chargesBefore);
        }
        for (TestTenant tenant : List.of(victim, other, revoked, suspended)) {
            assertThat(reservations(tenant.id())).as("reservations of %s", tenant.id()).isZero();
        }
        assertThat(response.headers().keySet()).as("no injected or cookie header")
            .noneMatch(name -> name.equalsIgnoreCase("X-Injected") || name.equalsIgnoreCase("Set-Cookie"));
        assertNoSecrets(response, secrets);
        for (String secret : secrets) {
            assertThat(output.getAll()).as("log output").doesNotContain(secret);
        }
    }

    private Map<String, Charge> charges() {
        Map<String, Charge> charges = new LinkedHashMap<>();
        for (TestTenant tenant : List.of(victim, other, revoked, suspended)) {
            charges.put(tenant.id(), new Charge(ledgerRows(tenant.id()), ledgerSum(tenant.id()).stripTrailingZeros()));
        }
        return charges;
    }

    private Response asVictim(String body) {
        return text2img(victim.key(), body);
    }

    private Response asVictim(String body, Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Authorization", "Bearer " + victim.key());
        return send("POST", TEXT2IMG, body, all);
    }

    private Response fetch(String path, String body) {
        return send("POST", path, body, bearer(victim.key()));
    }

    private Response raw(String request) {
        return raw(RawHttp.request(request));
    }

    private Response raw(byte[] request) {
        return RawHttp.exchange(port, request);
    }

    /** A text2img request with a chunked body, one chunk, and the given trailer fields. */
    private String chunked(String body, String trailer) {
        return "POST " + TEXT2IMG + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n" + auth() + "\r\n"
                + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n" + trailer + "\r\n";
    }

    private String auth() {
        return "Authorization: Bearer " + victim.key() + "\r\n";
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    /** A valid request body of exactly {@code bytes} bytes. */
    private static String sized(int bytes) {
        String head = "{\"prompt\":\"a cat\",\"pad\":\"";
        return head + "x".repeat(bytes - head.length() - 2) + "\"}";
    }

    /** A valid request body nested {@code levels} deep, the body itself being the first level. */
    private static String nested(int levels) {
        return "{\"prompt\":\"a cat\",\"x\":" + "[".repeat(levels - 1) + "]".repeat(levels - 1) + "}";
    }

    private static String prompt(String prompt) {
        return MAPPER.writeValueAsString(Map.of("prompt", prompt));
    }

    private static Case invalid(String name, String body, String field) {
        return new Case(name, 400, "invalid_request", field, null, t -> t.asVictim(body));
    }

    private static Case refused(String name, int status, String code, Function<HostileInputTest, Response> call) {
        return new Case(name, status, code, null, null, call);
    }

    private static Case accepted(String name, String prompt, Function<HostileInputTest, Response> call) {
        return new Case(name, 200, null, null, prompt, call);
    }

    /** A tenant's ledger: how many rows, how many dollars. */
    record Charge(long rows, BigDecimal usd) {

        Charge {
            usd = usd.stripTrailingZeros();
        }
    }

    /**
     * @param code the error code expected, or {@code null} for a request that must go through
     * @param field the field a 400 must name, if any
     * @param prompt for a request that goes through, the prompt ModelsLab must receive
     */
    record Case(String name, int status, String code, String field, String prompt,
            Function<HostileInputTest, Response> call) {

        @Override
        public String toString() {
            return name;
        }
    }
}
