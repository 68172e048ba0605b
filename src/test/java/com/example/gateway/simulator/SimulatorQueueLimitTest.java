package com.example.gateway.simulator;

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

/**
 * In its own context with a long processing time, so the count of queued generations is exactly what this test made.
 * Like {@link SimulatorControllerTest}, it loads only the simulator's own controller.
 */
@WebMvcTest(useDefaultFilters = false,
        includeFilters = @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE, classes = SimulatorController.class))
// No servlet filters either: Spring Security guards only the console, whose filter chain a slice does not load.
@AutoConfigureMockMvc(addFilters = false)
@Import(SimulatorConfiguration.class)
@TestPropertySource(properties = { "gateway.simulator.enabled=true", "gateway.simulator.expected-key=shared-test-key",
        "gateway.simulator.processing-time=10m", "gateway.simulator.queue-limit=2",
        "gateway.simulator.queue-retry-after=7s" })
class SimulatorQueueLimitTest {

    private static final String QUEUED = """
            {"key":"shared-test-key","prompt":"a fox [queue]"}""";

    @Autowired
    MockMvcTester mvc;

    @Test
    void aQueuedGenerationBeyondTheConfiguredLimitIsRefusedWith429ButImmediateOnesStillSucceed() {
        for (int i = 0; i < 2; i++) {
            assertThat(text2img(QUEUED)).hasStatusOk().bodyJson().extractingPath("$.status").isEqualTo("processing");
        }

        assertThat(text2img(QUEUED)).hasStatus(HttpStatus.TOO_MANY_REQUESTS).bodyJson().isStrictlyEqualTo("""
                {"status":"error","message":"Rate limit exceeded. Maximum 2 queued requests allowed.",
                 "retry_after":7}""");
        assertThat(text2img("""
                {"key":"shared-test-key","prompt":"a fox"}""")).hasStatusOk().bodyJson()
            .extractingPath("$.status").isEqualTo("success");
    }

    private MvcTestResult text2img(String json) {
        return mvc.post().uri("/simulator/api/v6/images/text2img").contentType(MediaType.APPLICATION_JSON).content(json)
            .exchange();
    }
}
