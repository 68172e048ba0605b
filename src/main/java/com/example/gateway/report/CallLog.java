package com.example.gateway.report;

import com.example.gateway.units.Utc;
import com.example.gateway.units.Money;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.stereotype.Component;

/**
 * The call listing, newest first, by keyset pagination on {@code (created_at DESC, request_id DESC)}, the order of the
 * ledger's two indexes, so a page costs the same at the start and a million rows in. Unlike the reports, the statement
 * is put together here: each filter given becomes a real condition PostgreSQL can match to an index, where an
 * {@code (:tenant IS NULL OR ...)} form would leave a cached plan scanning for every tenant. Only these fixed fragments
 * are joined; values are always bound. Runs on the reports' own pool ({@link Reports}).
 */
@Component
public class CallLog {

    private static final String SELECT = """
            SELECT request_id, tenant_id, key_id, model_id, endpoint, outcome, upstream_id, upstream_status,
                   http_status, images, cost_usd, upstream_latency_ms, created_at, settled_at, idempotency_key,
                   price_id, unit_price_usd, expected_modelslab_usd,
                   (SELECT f.outcome FROM generation_final_outcome f WHERE f.request_id = call_ledger.request_id)
                       AS final_outcome
            FROM call_ledger
            """;

    private final Reports reports;

    CallLog(Reports reports) {
        this.reports = reports;
    }

    public CallPage page(CallQuery query) {
        List<String> conditions = new ArrayList<>();
        Map<String, Object> params = new LinkedHashMap<>();
        if (query.tenant() != null) {
            conditions.add("tenant_id = :tenant");
            params.put("tenant", query.tenant());
        }
        if (query.from() != null) {
            conditions.add("created_at >= :from");
            params.put("from", UtcPeriod.startOf(query.from()));
        }
        if (query.to() != null) {
            conditions.add("created_at < :to");
            params.put("to", UtcPeriod.endOf(query.to()));
        }
        if (query.outcome() != null) {
            conditions.add("outcome = :outcome");
            params.put("outcome", query.outcome());
        }
        if (query.after() != null) {
            conditions.add("(created_at, request_id) < (:afterCreatedAt, :afterRequestId)");
            params.put("afterCreatedAt", Utc.of(query.after().createdAt()));
            params.put("afterRequestId", query.after().requestId());
        }
        String sql = SELECT + (conditions.isEmpty() ? "" : "WHERE " + String.join(" AND ", conditions) + "\n")
                + "ORDER BY created_at DESC, request_id DESC\nLIMIT :limit";
        // One more than asked tells whether a next page exists, so the last page never needs an empty one after it.
        params.put("limit", query.limit() + 1);
        List<CallPage.Call> calls = reports.read(jdbc -> jdbc.sql(sql).params(params).query(CallLog::call).list());
        if (calls.size() <= query.limit()) {
            return new CallPage(calls, null);
        }
        List<CallPage.Call> page = List.copyOf(calls.subList(0, query.limit()));
        CallPage.Call last = page.getLast();
        return new CallPage(page, new CallCursor(last.createdAt(), last.requestId()).encode());
    }

    /** One ledger row by its request id, for a call's detail page. */
    public Optional<CallPage.Call> find(UUID requestId) {
        return reports.read(jdbc -> jdbc.sql(SELECT + "WHERE request_id = :requestId\n")
            .param("requestId", requestId)
            .query(CallLog::call)
            .optional());
    }

    /**
     * The calls recorded since {@code since}: how many, how many failed (neither {@code success} nor
     * {@code processing}, as the usage report counts them) and ModelsLab's latency, for the console's overview.
     */
    public RecentCalls recent(Instant since) {
        return reports.read(jdbc -> jdbc.sql("""
                SELECT count(*) AS calls,
                       count(*) FILTER (WHERE outcome NOT IN ('success', 'processing')) AS failed,
                       percentile_disc(0.5) WITHIN GROUP (ORDER BY upstream_latency_ms) AS p50,
                       percentile_disc(0.95) WITHIN GROUP (ORDER BY upstream_latency_ms) AS p95
                FROM call_ledger
                WHERE created_at >= :since
                """)
            .param("since", Utc.of(since))
            .query((rs, n) -> new RecentCalls(rs.getLong("calls"), rs.getLong("failed"),
                    rs.getObject("p50", Integer.class), rs.getObject("p95", Integer.class)))
            .single());
    }

    /** What {@link #recent} counted; the latencies are null without calls that reached ModelsLab. */
    public record RecentCalls(long calls, long failed, Integer upstreamLatencyP50Ms, Integer upstreamLatencyP95Ms) {
    }

    private static CallPage.Call call(ResultSet rs, int n) throws SQLException {
        return new CallPage.Call(rs.getObject("request_id", UUID.class), rs.getString("tenant_id"),
                rs.getObject("key_id", UUID.class), rs.getString("model_id"), rs.getString("endpoint"),
                rs.getString("outcome"), rs.getString("upstream_id"), rs.getObject("upstream_status", Integer.class),
                rs.getObject("http_status", Integer.class), rs.getInt("images"),
                Money.plain(rs.getBigDecimal("cost_usd")), rs.getObject("upstream_latency_ms", Integer.class),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("settled_at", OffsetDateTime.class).toInstant(), rs.getString("idempotency_key"),
                rs.getObject("price_id", Long.class), Money.plain(rs.getBigDecimal("unit_price_usd")),
                Money.plain(rs.getBigDecimal("expected_modelslab_usd")), rs.getString("final_outcome"));
    }
}
