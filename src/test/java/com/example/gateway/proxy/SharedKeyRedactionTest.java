package com.example.gateway.proxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The shared key is taken out of an answer in every form a JSON reader decodes to it: raw, with {@code \/}, with
 * <code>&#92;uXXXX</code> escapes in either case, mixed, in names and values, in arrays, at any depth.
 */
class SharedKeyRedactionTest {

    /** With a slash and a plus, so that {@code \/} and <code>&#92;u002b</code> are forms of them. */
    private static final String KEY = "ml/Shared+Key_0123456789";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SharedKeyRedaction redaction = new SharedKeyRedaction(
            new JsonBodies(new ProxyProperties(null, DataSize.ofKilobytes(64))));

    static Stream<Arguments> forms() {
        return Stream.of(
                arguments("raw", KEY),
                arguments("escaped slash", "ml\\/Shared+Key_0123456789"),
                arguments("every character, lower-case hex", escaped(KEY, false)),
                arguments("every character, upper-case hex", escaped(KEY, true)),
                arguments("mixed", "\\u006dl\\/Shared\\u002BKey_012345678\\u0039"),
                arguments("only the plus", "ml/Shared\\u002bKey_0123456789"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("forms")
    void anEchoedKeyIsRemovedFromValuesAndNamesAtAnyDepth(String form, String written) {
        String body = """
                {"status":"success","id":7,"output":["https:\\/\\/x.r2.dev\\/a.png"],"meta":{"key":"%1$s",\
                "%1$s":"a name","nested":{"deeper":[1,{"deepest":["echo: %1$s!"]}]},"list":["%1$s"]}}"""
            .formatted(written);

        byte[] redacted = redaction.redact(bytes(body), KEY);

        JsonNode answer = JSON.readTree(redacted);
        assertThat(new String(redacted, StandardCharsets.UTF_8)).doesNotContain(KEY);
        assertThat(texts(answer)).as("every name and value, decoded").noneMatch(text -> text.contains(KEY));
        assertThat(answer.at("/meta/key").asString()).isEqualTo("[redacted]");
        assertThat(answer.at("/meta/[redacted]").asString()).isEqualTo("a name");
        assertThat(answer.at("/meta/nested/deeper/1/deepest/0").asString()).isEqualTo("echo: [redacted]!");
        assertThat(answer.at("/meta/list/0").asString()).isEqualTo("[redacted]");
        assertThat(answer.at("/output/0").asString()).as("the rest untouched").isEqualTo("https://x.r2.dev/a.png");
        assertThat(answer.at("/meta/nested/deeper/0").asInt()).isEqualTo(1);
        assertThat(answer.get("status").asString()).isEqualTo("success");
    }

    @Test
    void aKeyOfDigitsEchoedAsANumberIsRemoved() {
        byte[] redacted = redaction.redact(bytes("{\"status\":\"success\",\"meta\":{\"seed\":90071992547409931234}}"),
                "90071992547409931234");

        assertThat(JSON.readTree(redacted).at("/meta/seed").asString()).isEqualTo("[redacted]");
    }

    @Test
    void anAnswerWithoutTheKeyIsPassedOnByteForByte() {
        byte[] body = bytes("{\"status\":\"success\",\"output\":[\"https:\\/\\/x.r2.dev\\/a.png\"],\"meta\":{\"k\":\"ml\\/Shared\"}}");
        byte[] plain = bytes("{\"status\":\"success\",\"output\":[\"https://x.r2.dev/a.png\"]}");

        assertThat(redaction.redact(body, KEY)).isSameAs(body);
        assertThat(redaction.redact(plain, KEY)).isSameAs(plain);
    }

    @Test
    void anAnswerThatIsNotAJsonObjectAndHoldsAnEscapedKeyIsBlanked() {
        byte[] notAnObject = bytes("[\"" + escaped(KEY, false) + "\"]");
        byte[] duplicateNames = bytes("{\"a\":\"ml\\/Shared+Key_0123456789\",\"a\":1}");

        assertThat(new String(redaction.redact(notAnObject, KEY), StandardCharsets.UTF_8))
            .isEqualTo("{\"status\":\"error\",\"message\":\"[redacted]\"}");
        assertThat(new String(redaction.redact(duplicateNames, KEY), StandardCharsets.UTF_8))
            .isEqualTo("{\"status\":\"error\",\"message\":\"[redacted]\"}");
    }

    @Test
    void unescapingDecodesEveryJsonEscape() {
        assertThat(SharedKeyRedaction.unescaped("a\\/b\\u0041\\u00e9\\\"\\\\\\n\\t\\uZZZZ"))
            .isEqualTo("a/bAé\"\\\n\t\\uZZZZ");
    }

    private static String escaped(String text, boolean upperCase) {
        StringBuilder out = new StringBuilder();
        text.chars().forEach(c -> out.append("\\u").append((upperCase ? "%04X" : "%04x").formatted(c)));
        return out.toString();
    }

    private static List<String> texts(JsonNode node) {
        List<String> texts = new ArrayList<>();
        if (node.isString() || node.isNumber()) {
            texts.add(node.asString());
        }
        node.properties().forEach(property -> {
            texts.add(property.getKey());
            texts.addAll(texts(property.getValue()));
        });
        if (node.isArray()) {
            node.values().forEach(value -> texts.addAll(texts(value)));
        }
        return texts;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
