package com.example.gateway.proxy;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import com.example.gateway.web.RequestIds;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a proxied call's answer reaches the client once its future completes, without a second container dispatch. */
class AsyncAnswersTest {

    private final AsyncAnswers answers =
            new AsyncAnswers(new JsonBodies(new ProxyProperties(null, DataSize.ofKilobytes(64))));
    private final MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v6/images/text2img");
    private final MockHttpServletResponse response = new MockHttpServletResponse();
    private final UUID requestId = RequestIds.of(request);

    @BeforeEach
    void asyncSupported() {
        request.setAsyncSupported(true);
    }

    @Test
    void aCallStillAtModelsLabHoldsTheResponseWithNoContainerTimeLimitAndIsAnsweredWhenItCompletes() throws Exception {
        CompletableFuture<ResponseEntity<byte[]>> call = new CompletableFuture<>();

        answers.answer(request, response, call);

        assertThat(request.isAsyncStarted()).isTrue();
        // Zero is "never" for a servlet container; its default (Tomcat: 30 s) would cut off slow ModelsLab calls.
        assertThat(request.getAsyncContext().getTimeout()).isEqualTo(AsyncAnswers.NO_TIMEOUT).isZero();
        assertThat(response.getContentAsByteArray()).isEmpty();

        call.complete(ResponseEntity.status(200).contentType(MediaType.APPLICATION_JSON)
            .header(CallAnswer.COST_HEADER, "0.0047")
            .body("""
                    {"status":"success"}""".getBytes(StandardCharsets.UTF_8)));

        assertThat(request.isAsyncStarted()).as("completed").isFalse();
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getHeader(CallAnswer.COST_HEADER)).isEqualTo("0.0047");
        assertThat(response.getContentType()).isEqualTo("application/json");
        assertThat(response.getContentLength()).isEqualTo(20);
        assertThat(response.getContentAsString()).isEqualTo("""
                {"status":"success"}""");
    }

    @Test
    void aFailureAfterTheCallWentAsynchronousGetsTheDialectAnswer() throws Exception {
        CompletableFuture<ResponseEntity<byte[]>> call = new CompletableFuture<>();
        answers.answer(request, response, call);

        call.completeExceptionally(new GatewayException(ErrorCode.UNAVAILABLE, "Not recorded, so not charged."));

        assertThat(request.isAsyncStarted()).isFalse();
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getContentAsString()).isEqualTo("""
                {"status":"error","message":"Not recorded, so not charged.","code":"unavailable","request_id":"%s"}"""
            .formatted(requestId));
    }

    @Test
    void anAnswerReadyAtOnceIsWrittenWithoutGoingAsynchronous() throws Exception {
        answers.answer(request, response, CompletableFuture.completedFuture(ResponseEntity.status(409)
            .body("{}".getBytes(StandardCharsets.UTF_8))));

        assertThat(request.isAsyncStarted()).isFalse();
        assertThat(response.getStatus()).isEqualTo(409);
        assertThat(response.getContentAsString()).isEqualTo("{}");
    }

    @Test
    void aFailureBeforeTheCallWentAsynchronousIsThrownForTheErrorAdvice() {
        GatewayException refused = new GatewayException(ErrorCode.BUDGET_EXHAUSTED, "Over budget.");

        assertThatThrownBy(() -> answers.answer(request, response, CompletableFuture.failedFuture(refused)))
            .isSameAs(refused);
        assertThat(request.isAsyncStarted()).isFalse();
        assertThat(response.getContentAsByteArray()).isEmpty();
    }
}
