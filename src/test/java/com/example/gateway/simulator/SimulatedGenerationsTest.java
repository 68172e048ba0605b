package com.example.gateway.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.example.gateway.support.TestClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SimulatedGenerationsTest {

    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final SimulatedGenerations generations = new SimulatedGenerations(Duration.ofSeconds(3), clock);

    @Test
    void queuedGenerationIsProcessingUntilTheProcessingTimeHasPassed() {
        SimulatedGeneration generation = generations.enqueue(request("a fox")).orElseThrow();

        clock.advance(Duration.ofMillis(2_999));
        assertThat(generation.answerAt(clock.instant())).isInstanceOf(ModelsLabAnswer.Processing.class);
        clock.advance(Duration.ofMillis(1));
        assertThat(generation.answerAt(clock.instant())).isInstanceOf(ModelsLabAnswer.Success.class);
    }

    @Test
    void roomInTheQueueComesBackOnceEarlierGenerationsAreDone() {
        for (int i = 0; i < SimulatedGenerations.QUEUE_LIMIT; i++) {
            assertThat(generations.enqueue(request("a fox"))).isPresent();
        }
        assertThat(generations.enqueue(request("a fox"))).isEmpty();

        clock.advance(Duration.ofSeconds(3));
        assertThat(generations.enqueue(request("a fox"))).isPresent();
    }

    @Test
    void forgetsGenerationsOlderThanAnHourWhenANewOneArrives() {
        long old = generations.completeAtOnce(request("old")).id();

        clock.advance(Duration.ofMinutes(61));
        long fresh = generations.completeAtOnce(request("fresh")).id();

        assertThat(generations.find(old)).isEmpty();
        assertThat(generations.find(fresh)).isPresent();
    }

    private static GenerationRequest request(String prompt) {
        return GenerationRequest.from(new LooseFields(Map.of("prompt", prompt)));
    }
}
