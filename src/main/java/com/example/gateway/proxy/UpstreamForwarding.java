package com.example.gateway.proxy;

import java.util.concurrent.CompletableFuture;

import com.example.gateway.modelslab.ModelsLabClient;
import com.example.gateway.modelslab.UpstreamResult;
import com.example.gateway.quota.Admission;
import com.example.gateway.upstream.UpstreamPriority;
import com.example.gateway.upstream.UpstreamQueue;

import org.springframework.stereotype.Component;

/**
 * Sends an admitted generation to ModelsLab through the account's queue ({@link UpstreamQueue}), which knows when a
 * slot is free; whether an answer is ModelsLab's queue-full 429 is the charging rule's to say ({@link UpstreamAnswers}).
 */
@Component
class UpstreamForwarding {

    private final ModelsLabClient modelsLab;
    private final UpstreamQueue queue;
    private final UpstreamAnswers answers;

    UpstreamForwarding(ModelsLabClient modelsLab, UpstreamQueue queue, UpstreamAnswers answers) {
        this.modelsLab = modelsLab;
        this.queue = queue;
        this.answers = answers;
    }

    String sharedKey() {
        return modelsLab.sharedKey();
    }

    /** @return completes exceptionally with {@code UpstreamWaitExceeded} when no slot came in time, never else */
    CompletableFuture<UpstreamResult> send(Admission call, UpstreamPriority priority, String uri, byte[] body) {
        return queue.forward(call.requestId(), call.tenantId(), priority, () -> modelsLab.send(uri, body),
                answers::queueFull);
    }
}
