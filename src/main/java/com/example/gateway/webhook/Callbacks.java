package com.example.gateway.webhook;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;

import com.example.gateway.units.Utc;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * ModelsLab's callbacks for relayed calls. One statement stores the delivery to the tenant and records the final
 * outcome, before ModelsLab is answered: once ModelsLab has its 2xx, the delivery survives any replica. A call's relay
 * takes one callback: the same payload again (ModelsLab delivers at least once) is acknowledged and dropped; another
 * one finds the token used up. A callback whose status is not final ({@code success} or {@code failed}) is acknowledged
 * and neither stored nor relayed, so that it cannot use the token up before the result comes.
 */
@Service
public class Callbacks {

    private static final String STORE = """
            WITH delivery AS (
                INSERT INTO webhook_delivery (id, request_id, tenant_id, target_url, payload, callback_sha256, status,
                                              next_attempt_at, give_up_at, created_at)
                VALUES (:id, :requestId, :tenant, :url, :payload, :sha256, 'pending', :now, :giveUpAt, :now)
                ON CONFLICT (request_id) DO NOTHING
                RETURNING request_id
            ), outcome AS (
                INSERT INTO generation_final_outcome (request_id, tenant_id, outcome, source, upstream_id, outputs,
                                                      recorded_at)
                SELECT d.request_id, :tenant, :outcome, 'webhook', :upstreamId, :outputs, :now
                FROM delivery d
                ON CONFLICT (request_id) DO NOTHING
                RETURNING outcome
            )
            SELECT (SELECT count(*) FROM delivery) AS stored, (SELECT outcome FROM outcome) AS recorded,
                   (SELECT callback_sha256 FROM webhook_delivery WHERE request_id = :requestId) AS earlier
            """;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final FinalOutcomes outcomes;
    private final WebhookDispatcher dispatcher;
    private final RelayProperties properties;
    private final MeterRegistry meters;

    Callbacks(JdbcClient jdbc, Clock clock, FinalOutcomes outcomes, WebhookDispatcher dispatcher,
            RelayProperties properties, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.outcomes = outcomes;
        this.dispatcher = dispatcher;
        this.properties = properties;
        this.meters = meters;
    }

    /** What became of a callback. */
    public enum Verdict {
        /** Stored for delivery, its outcome recorded. */
        ACCEPTED,
        /** A repetition of the callback already stored: nothing more happens. */
        REPEATED,
        /** The relay took another callback already: nothing happens, and ModelsLab is told the token is unknown. */
        USED_UP,
        /** Not a final status: acknowledged, nothing stored or relayed. */
        NOT_FINAL
    }

    /**
     * @param status ModelsLab's {@code status}
     * @param upstreamId ModelsLab's {@code id}, or {@code null}
     * @param outputs how many images {@code output} lists
     * @param relayedBody what the tenant gets
     * @param sha256 the hash of the callback's body as received, which recognises a repetition
     */
    public record Callback(String status, String upstreamId, int outputs, byte[] relayedBody, byte[] sha256) {
    }

    public Verdict accept(WebhookRelays.Relay relay, Callback callback) {
        if (!FinalOutcomes.isFinal(callback.status())) {
            meters.counter("gateway.webhook.callbacks", "result", "not_final").increment();
            return Verdict.NOT_FINAL;
        }
        Instant now = clock.instant();
        Stored stored = jdbc.sql(STORE)
            .param("id", UUID.randomUUID())
            .param("requestId", relay.requestId())
            .param("tenant", relay.tenantId())
            .param("url", relay.targetUrl())
            .param("payload", callback.relayedBody())
            .param("sha256", callback.sha256())
            .param("now", Utc.of(now))
            .param("giveUpAt", Utc.of(now.plus(properties.giveUpAfter())))
            .param("outcome", callback.status())
            .param("upstreamId", callback.upstreamId())
            .param("outputs", callback.outputs())
            .query((rs, n) -> new Stored(rs.getLong(1) > 0, rs.getString(2), rs.getBytes(3)))
            .single();
        Verdict verdict = stored.inserted() ? Verdict.ACCEPTED
                // A concurrent twin committed after this statement began: its hash is not visible, it is a repeat.
                : stored.earlier() == null || Arrays.equals(stored.earlier(), callback.sha256())
                        ? Verdict.REPEATED : Verdict.USED_UP;
        meters.counter("gateway.webhook.callbacks", "result", verdict.name().toLowerCase(Locale.ROOT)).increment();
        if (verdict == Verdict.ACCEPTED) {
            if ("failed".equals(stored.recorded())) {
                outcomes.credit(relay.requestId());
            }
            dispatcher.wakeUp();
        }
        return verdict;
    }

    private record Stored(boolean inserted, String recorded, byte[] earlier) {
    }
}
