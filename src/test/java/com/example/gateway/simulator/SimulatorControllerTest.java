package com.example.gateway.simulator;

import java.time.Duration;

import com.example.gateway.support.Bodies;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

// Only the simulator's own controller: web components of other features (advice, filters, interceptors) must not
// decide whether the fake ModelsLab starts or how it answers.
@WebMvcTest(useDefaultFilters = false,
        includeFilters = @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE, classes = SimulatorController.class))
// No servlet filters either: Spring Security guards only the console, whose filter chain a slice does not load.
@AutoConfigureMockMvc(addFilters = false)
@Import(SimulatorConfiguration.class)
@TestPropertySource(properties = { "gateway.simulator.enabled=true", "gateway.simulator.expected-key=shared-test-key",
        "gateway.simulator.processing-time=200ms" })
class SimulatorControllerTest {

    private static final String IMAGES = "/simulator/api/v6/images";

    @Autowired
    MockMvcTester mvc;

    @Test
    void answersSuccessAtOnceWithAnIntegerIdAndOneLinkPerSample() {
        MvcTestResult result = post("/text2img", """
                {"key":"shared-test-key","model_id":"octoflat","prompt":"a red fox","samples":2,"seed":42}""");

        assertThat(result).hasStatusOk().bodyJson().isLenientlyEqualTo("""
                {"status":"success","nsfw_content_detected":false,"webhook_status":"",
                 "meta":{"prompt":"a red fox","model_id":"octoflat","width":512,"height":512,"n_samples":2,"seed":42,
                         "safety_checker":"no","base64":"no"}}""");
        assertThat(result).bodyJson().hasPathSatisfying("$.id", id -> assertThat(id).isInstanceOf(Integer.class));
        assertThat(result).bodyJson().hasPathSatisfying("$.generationTime", time -> assertThat(time).asNumber().isNotNull());
        assertThat(result).bodyJson().extractingPath("$.output").asArray().hasSize(2)
            .allSatisfy(link -> assertThat(link.toString()).startsWith("https://").endsWith(".png"));
        assertThat(result).bodyJson().extractingPath("$.proxy_links").asArray().hasSize(2);
    }

    @Test
    void servesImg2imgAndInpaintLikeText2img() {
        assertThat(post("/img2img", """
                {"key":"shared-test-key","prompt":"a fox","init_image":"https://example.org/in.png","strength":0.7}"""))
            .hasStatusOk().bodyJson().extractingPath("$.meta.strength").isEqualTo(0.7);
        assertThat(post("/inpaint", """
                {"key":"shared-test-key","prompt":"a fox","init_image":"https://example.org/in.png",
                 "mask_image":"https://example.org/mask.png"}"""))
            .hasStatusOk().bodyJson().extractingPath("$.status").isEqualTo("success");
    }

    @Test
    void givesEachGenerationAHigherIdThanTheOneBefore() {
        long first = id(post("/text2img", """
                {"key":"shared-test-key","prompt":"one"}"""));
        long second = id(post("/text2img", """
                {"key":"shared-test-key","prompt":"two"}"""));

        assertThat(first).isBetween(10_000_000L, 99_999_999L);
        assertThat(second).isGreaterThan(first);
    }

    @Test
    void rejectsAWrongOrMissingKeyWith401() {
        String wrongKey = """
                {"key":"not-the-key","prompt":"a fox"}""";
        for (String body : new String[] { wrongKey, Bodies.text2img("a fox") }) {
            assertThat(post("/text2img", body)).hasStatus(HttpStatus.UNAUTHORIZED).bodyJson()
                .isStrictlyEqualTo("""
                        {"status":"error","message":"Invalid API key"}""");
        }
    }

    @Test
    void rejectsAMissingOrBlankPromptWith400() {
        String noPrompt = """
                {"key":"shared-test-key"}""";
        String blankPrompt = """
                {"key":"shared-test-key","prompt":" "}""";
        for (String body : new String[] { noPrompt, blankPrompt }) {
            assertThat(post("/text2img", body)).hasStatus(HttpStatus.BAD_REQUEST).bodyJson()
                .isStrictlyEqualTo("""
                        {"status":"error","message":"prompt is required"}""");
        }
    }

    @Test
    void acceptsNumbersAsStringsAndFlagsAsYesNoOrBooleans() {
        MvcTestResult result = post("/text2img", """
                {"key":"shared-test-key","prompt":"a fox","width":"768","height":"640","samples":"3","seed":"12345",
                 "guidance_scale":"8","num_inference_steps":"25","safety_checker":true,"base64":"no"}""");

        assertThat(result).hasStatusOk().bodyJson().isLenientlyEqualTo("""
                {"status":"success","meta":{"width":768,"height":640,"n_samples":3,"seed":12345,"guidance_scale":8,
                 "num_inference_steps":25,"safety_checker":"yes","base64":"no"}}""");
        assertThat(result).bodyJson().extractingPath("$.output").asArray().hasSize(3);
    }

    @Test
    void rejectsANumberFieldThatIsNotANumberWith400() {
        assertThat(post("/text2img", """
                {"key":"shared-test-key","prompt":"a fox","width":"wide"}"""))
            .hasStatus(HttpStatus.BAD_REQUEST).bodyJson()
            .isStrictlyEqualTo("""
                    {"status":"error","message":"width must be a number"}""");
    }

    @Test
    void queuedPromptIsProcessingUntilTheProcessingTimeHasPassedThenFetchesAsSuccess() {
        MvcTestResult queued = post("/text2img", """
                {"key":"shared-test-key","prompt":"a fox [queue]","samples":2}""");
        long id = id(queued);

        assertThat(queued).hasStatusOk().bodyJson().isLenientlyEqualTo("""
                {"status":"processing","output":"","messege":"Try to fetch request after seconds estimated",
                 "fetch_result":"https://modelslab.com/api/v6/images/fetch/%d","eta":1,"meta":{"prompt":"a fox [queue]"}}"""
            .formatted(id));
        assertThat(queued).bodyJson().hasPath("$.tip").hasPath("$.tip_1").extractingPath("$.future_links").asArray()
            .hasSize(2);
        assertThat(fetchById(id)).hasStatusOk().bodyJson().extractingPath("$.status").isEqualTo("processing");

        await().atMost(Duration.ofSeconds(5))
            .untilAsserted(() -> assertThat(fetchById(id)).bodyJson().extractingPath("$.status").isEqualTo("success"));
        MvcTestResult done = fetchById(id);
        assertThat(done).bodyJson().hasPathSatisfying("$.id", value -> assertThat(value).isEqualTo((int) id));
        assertThat(done).bodyJson().extractingPath("$.output").asArray()
            .containsExactlyElementsOf(JsonPath.read(body(queued), "$.future_links"));
    }

    @Test
    void queuedPromptCompletesWhenFetchedByRequestIdAsNumberOrString() {
        long id = id(post("/text2img", """
                {"key":"shared-test-key","prompt":"a fox [queue]"}"""));
        String asNumber = """
                {"key":"shared-test-key","request_id":%d}""".formatted(id);
        String asString = """
                {"key":"shared-test-key","request_id":"%d"}""".formatted(id);

        assertThat(post("/fetch", asNumber)).hasStatusOk().bodyJson().extractingPath("$.status").isEqualTo("processing");
        await().atMost(Duration.ofSeconds(5))
            .untilAsserted(() -> assertThat(post("/fetch", asNumber)).bodyJson().extractingPath("$.status")
                .isEqualTo("success"));
        assertThat(post("/fetch", asString)).hasStatusOk().bodyJson().extractingPath("$.status").isEqualTo("success");
    }

    @Test
    void fetchAnswersRequestNotFoundForAnUnknownId() {
        assertThat(post("/fetch/12", """
                {"key":"shared-test-key"}""")).hasStatusOk().bodyJson()
            .isStrictlyEqualTo("""
                    {"status":"error","message":"Request not found"}""");
        assertThat(post("/fetch", """
                {"key":"shared-test-key","request_id":"not-an-id"}""")).hasStatusOk()
            .bodyJson().extractingPath("$.message").isEqualTo("Request not found");
    }

    @Test
    void fetchWithoutARequestIdIsRejectedWith400() {
        assertThat(post("/fetch", """
                {"key":"shared-test-key"}""")).hasStatus(HttpStatus.BAD_REQUEST).bodyJson()
            .isStrictlyEqualTo("""
                    {"status":"error","message":"request_id is required"}""");
    }

    @Test
    void fetchChecksTheKeyToo() {
        long id = id(post("/text2img", """
                {"key":"shared-test-key","prompt":"a fox"}"""));

        assertThat(post("/fetch/" + id, """
                {"key":"not-the-key"}""")).hasStatus(HttpStatus.UNAUTHORIZED);
        assertThat(post("/fetch", """
                {"request_id":%d}""".formatted(id))).hasStatus(HttpStatus.UNAUTHORIZED);
    }

    @Test
    void errorPromptAnswers200WithAnErrorStatus() {
        assertThat(post("/text2img", """
                {"key":"shared-test-key","prompt":"a fox [error]"}""")).hasStatusOk()
            .bodyJson().hasPath("$.messege").extractingPath("$.status").isEqualTo("error");
    }

    @Test
    void fullPromptAnswers429WithRetryAfter() {
        assertThat(post("/text2img", """
                {"key":"shared-test-key","prompt":"a fox [full]"}"""))
            .hasStatus(HttpStatus.TOO_MANY_REQUESTS).bodyJson().isStrictlyEqualTo("""
                    {"status":"error","message":"Rate limit exceeded. Maximum 5 queued requests allowed.",
                     "retry_after":30}""");
    }

    @Test
    void answersABodyThatIsNotJsonWith400() {
        assertThat(post("/text2img", "key=shared-test-key")).hasStatus(HttpStatus.BAD_REQUEST).bodyJson()
            .extractingPath("$.status").isEqualTo("error");
    }

    private MvcTestResult post(String path, String json) {
        return mvc.post().uri(IMAGES + path).contentType(MediaType.APPLICATION_JSON).content(json).exchange();
    }

    private MvcTestResult fetchById(long id) {
        return post("/fetch/" + id, """
                {"key":"shared-test-key"}""");
    }

    private static long id(MvcTestResult result) {
        return ((Number) JsonPath.read(body(result), "$.id")).longValue();
    }

    private static String body(MvcTestResult result) {
        try {
            return result.getResponse().getContentAsString();
        }
        catch (java.io.UnsupportedEncodingException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
