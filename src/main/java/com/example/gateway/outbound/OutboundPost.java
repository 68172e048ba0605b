package com.example.gateway.outbound;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Posts a JSON body to a URL a tenant chose, once: the URL is checked again before every attempt
 * ({@link OutboundTargets}), since what its name resolves to can change; redirects are not followed; the receiver's
 * answer is closed unread, so a receiver cannot make the gateway buffer or wait for a body nobody needs: only its
 * status counts. Each attempt is bounded by the connect and response timeout. Used by the budget alerts' and the
 * relayed webhooks' dispatchers.
 */
public final class OutboundPost {

    private final OutboundTargets targets;
    private final Duration timeout;
    private final HttpClient http;

    public OutboundPost(OutboundTargets targets, Duration timeout) {
        this.targets = targets;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    }

    /** @param headers sent besides {@code Content-Type: application/json} */
    public Attempt post(String url, byte[] json, Map<String, String> headers) {
        URI target;
        try {
            target = targets.check(url);
        }
        catch (RefusedTarget ex) {
            return new Attempt(null, "refused target: the URL " + ex.getMessage());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json));
        headers.forEach(request::header);
        try {
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            response.body().close();
            int status = response.statusCode();
            return new Attempt(status, status / 100 == 2 ? null : "HTTP " + status);
        }
        catch (IOException ex) {
            return new Attempt(null, ex.getClass().getSimpleName());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return new Attempt(null, "interrupted");
        }
    }

    /**
     * @param httpStatus the receiver's status, or {@code null} when there was no answer
     * @param error why the attempt failed, or {@code null} when the receiver took the body (a 2xx)
     */
    public record Attempt(Integer httpStatus, String error) {

        public boolean delivered() {
            return error == null;
        }
    }
}
