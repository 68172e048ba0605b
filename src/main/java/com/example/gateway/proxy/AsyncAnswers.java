package com.example.gateway.proxy;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import com.example.gateway.errors.ErrorAnswers;
import com.example.gateway.web.RequestIds;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Answers a proxied call when its future completes, on the thread that completes it, writing straight to the servlet
 * response that asynchronous processing holds. A {@code CompletableFuture} returned to Spring MVC would instead end in
 * a second container dispatch, through every filter, the handler mapping and the return value handlers again, only to
 * write the same bytes: a fifth of the gateway's CPU samples under load (JFR, {@code bench/RESULTS.md}). The request's
 * filters still see the whole call: metrics and traces stop when the asynchronous request completes.
 */
@Component
class AsyncAnswers {

    /**
     * No container time limit (Tomcat's default is 30 s): the modelslab.* timeouts bound the upstream call, and a call
     * cut short here would still be settled.
     */
    static final long NO_TIMEOUT = 0;

    private static final Logger log = LoggerFactory.getLogger(AsyncAnswers.class);

    private final JsonBodies json;

    AsyncAnswers(JsonBodies json) {
        this.json = json;
    }

    /**
     * Sends the call's answer once it is there. A failure before the call went asynchronous is thrown, for the error
     * advice; one after it gets the same dialect answer ({@link ErrorAnswers}).
     */
    void answer(HttpServletRequest request, HttpServletResponse response,
            CompletableFuture<ResponseEntity<byte[]>> call) throws IOException {
        if (call.isDone()) {
            write(response, join(call));
            return;
        }
        AsyncContext async = request.startAsync(request, response);
        async.setTimeout(NO_TIMEOUT);
        call.whenComplete((answer, failure) -> {
            try {
                write(response, failure == null ? answer : ErrorAnswers.of(unwrap(failure), RequestIds.of(request).toString()));
                // Sent now: left to complete(), the bytes would wait for a container thread to finish the request.
                response.flushBuffer();
            }
            catch (IOException ex) {
                log.info("Could not send the answer, the client has probably gone: {}", ex.toString());
            }
            catch (RuntimeException ex) {
                log.error("Could not send the answer", ex);
            }
            finally {
                async.complete();
            }
        });
    }

    private void write(HttpServletResponse response, ResponseEntity<?> answer) throws IOException {
        response.setStatus(answer.getStatusCode().value());
        // Set, not added: the answer's value replaces one set before (a replay's X-Request-Id is the first call's).
        answer.getHeaders().forEach((name, values) -> {
            response.setHeader(name, values.getFirst());
            values.stream().skip(1).forEach(value -> response.addHeader(name, value));
        });
        byte[] body = answer.getBody() instanceof byte[] bytes ? bytes : json.write(answer.getBody());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static <T> T join(CompletableFuture<T> call) {
        try {
            return call.join();
        }
        catch (CompletionException ex) {
            if (ex.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw ex;
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
