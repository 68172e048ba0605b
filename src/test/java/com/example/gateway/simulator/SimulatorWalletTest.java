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

// A wallet of 0.02 USD at 0.0047 per image: four images fit, a fifth does not.
@WebMvcTest(useDefaultFilters = false, includeFilters = @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE,
        classes = { SimulatorController.class, SimulatorWalletController.class }))
// No servlet filters either: Spring Security guards only the console, whose filter chain a slice does not load.
@AutoConfigureMockMvc(addFilters = false)
@Import(SimulatorConfiguration.class)
@TestPropertySource(properties = { "gateway.simulator.enabled=true", "gateway.simulator.expected-key=shared-test-key",
        "gateway.simulator.starting-balance-usd=0.02" })
class SimulatorWalletTest {

    @Autowired
    MockMvcTester mvc;

    @Test
    void paysForEachAcceptedImageAndRefusesWithInsufficientCreditsWhenEmpty() {
        assertThat(post("/simulator/api/wallet_balance", """
                {"key":"shared-test-key"}""")).hasStatusOk().bodyJson().isStrictlyEqualTo("""
                {"status":"success","data":{"balance":0.02,"currency":"USD"}}""");
        assertThat(generate(4)).hasStatusOk().bodyJson().extractingPath("$.status").isEqualTo("success");
        assertThat(post("/simulator/api/wallet_balance", """
                {"key":"shared-test-key"}""")).bodyJson().extractingPath("$.data.balance").isEqualTo(0.0012);
        assertThat(generate(1)).hasStatusOk().bodyJson().isStrictlyEqualTo("""
                {"status":"error","message":"Insufficient credits. Please add more credits to continue."}""");
        assertThat(post("/simulator/api/wallet_balance", """
                {"key":"shared-test-key"}""")).bodyJson().extractingPath("$.data.balance").isEqualTo(0.0012);
    }

    @Test
    void answersTheBalanceOnlyForTheSharedKey() {
        assertThat(post("/simulator/api/wallet_balance", """
                {"key":"not-the-key"}""")).hasStatus(HttpStatus.UNAUTHORIZED).bodyJson()
            .extractingPath("$.message").isEqualTo("Invalid API key");
    }

    private MvcTestResult generate(int samples) {
        return post("/simulator/api/v6/images/text2img", """
                {"key":"shared-test-key","prompt":"a fox","samples":%d}""".formatted(samples));
    }

    private MvcTestResult post(String path, String body) {
        return mvc.post().uri(path).contentType(MediaType.APPLICATION_JSON).content(body).exchange();
    }
}
