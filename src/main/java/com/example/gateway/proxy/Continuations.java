package com.example.gateway.proxy;

import java.util.Map;
import java.util.concurrent.Executor;

import org.slf4j.MDC;

/**
 * Where a call goes on once ModelsLab has answered: a fresh virtual thread, because settling blocks on PostgreSQL and a
 * Netty thread must never block, with the log context (request id, tenant) of the thread that sent the call.
 */
final class Continuations {

    private Continuations() {
    }

    /** Captures the calling thread's log context now, for the task run later. */
    static Executor onVirtualThreadWithLogContext() {
        Map<String, String> context = MDC.getCopyOfContextMap();
        return task -> Thread.startVirtualThread(() -> {
            MDC.setContextMap(context == null ? Map.of() : context);
            try {
                task.run();
            }
            finally {
                MDC.clear();
            }
        });
    }
}
