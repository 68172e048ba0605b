package com.example.gateway.ledger;

import com.example.gateway.quota.QuotaStatements;

/** The ledger's writes, written once. {@code bench/per-call.sql} is generated from {@link #RECORD} (PerCallSqlTest). */
public final class LedgerStatements {

    /**
     * The durable step for one call: its ledger row, from its reservation, which carries the price the call was
     * admitted at; ModelsLab is expected to have charged for it by the same rule as the tenant ({@code :charged}). No
     * row when the reservation is gone. Conflicts are found by the primary key's name: (request_id) before the ledger
     * was partitioned (V12), (request_id, created_at) after, and every writer of a call uses its admission instant.
     */
    public static final String RECORD = """
            INSERT INTO call_ledger (request_id, tenant_id, key_id, model_id, endpoint, idempotency_key, upstream_id,
                                     outcome, upstream_status, http_status, images, cost_usd, upstream_latency_ms,
                                     prompt_sha256, created_at, settled_at, price_id, unit_price_usd,
                                     expected_modelslab_usd, cost_centre_id, project, tags, track_id)
            SELECT r.request_id, r.tenant_id, r.key_id, r.model_id, r.endpoint, r.idempotency_key, :upstreamId,
                   :outcome, :upstreamStatus, :httpStatus, r.images, :cost, :latency, r.prompt_sha256, r.created_at, :now,
                   r.price_id, r.unit_price_usd, CASE WHEN :charged THEN r.expected_modelslab_usd ELSE 0 END,
                   r.cost_centre_id, r.project, r.tags, r.track_id
            FROM reservation r
            WHERE r.request_id = :requestId
            -- the sweeper recorded it as abandoned meanwhile: settled without its reservation instead
            ON CONFLICT ON CONSTRAINT call_ledger_pkey DO NOTHING
            """;

    /**
     * Settles a call whose reservation is gone (the sweeper released it, or a database crash lost it): its row, and its
     * cost added to the spending of its key's, cost centre's and tenant's rows (in the lock order of admission) when
     * they are still in the call's month. An {@code abandoned} row the sweeper wrote meanwhile becomes the real outcome,
     * once.
     */
    static final String SETTLE_UNRESERVED = """
            WITH row AS (
                INSERT INTO call_ledger (request_id, tenant_id, key_id, model_id, endpoint, idempotency_key, upstream_id,
                                         outcome, upstream_status, http_status, images, cost_usd, upstream_latency_ms,
                                         prompt_sha256, created_at, settled_at, price_id, unit_price_usd,
                                         expected_modelslab_usd, cost_centre_id, project, tags, track_id)
                VALUES (:requestId, :tenant, :keyId, :model, :endpoint, :idempotencyKey, :upstreamId, :outcome,
                        :upstreamStatus, :httpStatus, :images, :cost, :latency, :promptSha256, :admittedAt, :now,
                        :priceId, :unitPrice, :expectedModelsLab, :costCentre, :project,
                        nullif(jsonb_object(CAST(:tagKeys AS text[]), CAST(:tagValues AS text[])), '{}'), :trackId)
                ON CONFLICT ON CONSTRAINT call_ledger_pkey
                DO UPDATE SET upstream_id = EXCLUDED.upstream_id, outcome = EXCLUDED.outcome,
                    upstream_status = EXCLUDED.upstream_status, http_status = EXCLUDED.http_status,
                    cost_usd = EXCLUDED.cost_usd, upstream_latency_ms = EXCLUDED.upstream_latency_ms,
                    settled_at = EXCLUDED.settled_at, expected_modelslab_usd = EXCLUDED.expected_modelslab_usd
                WHERE call_ledger.outcome = 'abandoned'
                RETURNING tenant_id, key_id, cost_centre_id
            ), key_state AS (
                UPDATE key_quota_state kq SET month_spent_usd = kq.month_spent_usd
                    + CASE WHEN kq.month = :reservationMonth THEN :cost ELSE 0 END
                FROM row WHERE kq.key_id = row.key_id
                RETURNING kq.key_id
            ), cost_centre_state AS (
                UPDATE cost_centre_quota_state cq SET month_spent_usd = cq.month_spent_usd
                    + CASE WHEN cq.month = :reservationMonth THEN :cost ELSE 0 END
                FROM row WHERE cq.cost_centre_id = row.cost_centre_id AND (SELECT count(*) FROM key_state) >= 0
                RETURNING cq.cost_centre_id
            ), state AS (
                UPDATE quota_state q SET month_spent_usd = q.month_spent_usd
                    + CASE WHEN q.month = :reservationMonth THEN :cost ELSE 0 END
                FROM row WHERE q.tenant_id = row.tenant_id AND (SELECT count(*) FROM cost_centre_state) >= 0
                RETURNING q.tenant_id, q.month, q.month_spent_usd, q.reserved_usd
            )
            SELECT t.monthly_budget_usd - CASE WHEN s.month >= :month THEN s.month_spent_usd ELSE 0 END - s.reserved_usd
                   AS remaining, t.monthly_budget_usd IS NULL AS unlimited
            FROM state s JOIN tenant t ON t.id = s.tenant_id
            """;

    /**
     * Releases reservations that no replica will settle and records their calls as {@code abandoned}, uncharged, in
     * one statement; {@code SKIP LOCKED} lets every replica sweep at once without sweeping a reservation twice. Should a
     * settlement commit the call's row while this runs, that row stands and its cost is charged here, since the
     * reservation it would have been applied from is gone. Key, cost centre and tenant rows are locked in the one order
     * ({@link QuotaStatements#lockingLevelsOf}). Answers how many reservations were released.
     */
    static final String SWEEP = QuotaStatements.lockingLevelsOf("swept", """
            WITH swept AS (
                DELETE FROM reservation WHERE request_id IN (
                    SELECT request_id FROM reservation r WHERE created_at < :cutoff
                      AND NOT EXISTS (SELECT 1 FROM call_ledger l
                                      WHERE l.request_id = r.request_id AND l.created_at = r.created_at)
                    ORDER BY created_at LIMIT 1000 FOR UPDATE SKIP LOCKED)
                RETURNING *
            ), recorded AS (
                INSERT INTO call_ledger (request_id, tenant_id, key_id, model_id, endpoint, idempotency_key, outcome,
                                         images, cost_usd, prompt_sha256, created_at, settled_at, price_id,
                                         unit_price_usd, expected_modelslab_usd, cost_centre_id, project, tags,
                                         track_id)
                SELECT request_id, tenant_id, key_id, model_id, endpoint, idempotency_key, 'abandoned', images, 0,
                       prompt_sha256, created_at, :now, price_id, unit_price_usd, 0, cost_centre_id, project, tags,
                       track_id
                FROM swept
                ON CONFLICT ON CONSTRAINT call_ledger_pkey DO UPDATE SET settled_at = call_ledger.settled_at
                RETURNING request_id, outcome, cost_usd
            ), charged AS (
                -- what a settlement that raced the sweep recorded: charged here, its reservation being gone
                SELECT s.tenant_id, s.key_id, s.cost_centre_id, s.month, r.cost_usd
                FROM swept s JOIN recorded r ON r.request_id = s.request_id
                WHERE r.outcome <> 'abandoned'
            ), totals AS (
                SELECT tenant_id, sum(amount_usd) AS amount, count(*) AS calls FROM swept GROUP BY tenant_id
            ), %s, key_state AS (
                UPDATE key_quota_state kq SET
                    reserved_usd = kq.reserved_usd - (SELECT sum(s.amount_usd) FROM swept s WHERE s.key_id = kq.key_id),
                    month_spent_usd = kq.month_spent_usd + (SELECT coalesce(sum(c.cost_usd), 0) FROM charged c
                                                            WHERE c.key_id = kq.key_id AND c.month = kq.month)
                FROM locked_keys k WHERE kq.key_id = k.key_id
            ), cost_centre_state AS (
                UPDATE cost_centre_quota_state cq SET
                    reserved_usd = cq.reserved_usd
                        - (SELECT sum(s.amount_usd) FROM swept s WHERE s.cost_centre_id = cq.cost_centre_id),
                    month_spent_usd = cq.month_spent_usd + (SELECT coalesce(sum(c.cost_usd), 0) FROM charged c
                                                            WHERE c.cost_centre_id = cq.cost_centre_id
                                                              AND c.month = cq.month)
                FROM locked_cost_centres k WHERE cq.cost_centre_id = k.cost_centre_id
            ), slot AS (
                UPDATE upstream_slot u SET in_flight = u.in_flight - (SELECT count(*) FROM swept WHERE holds_upstream_slot)
                WHERE u.id = 1 AND EXISTS (SELECT 1 FROM swept WHERE holds_upstream_slot)
                  AND (SELECT count(*) FROM locked) >= 0
            ), state AS (
                UPDATE quota_state q SET reserved_usd = q.reserved_usd - t.amount,
                                         in_flight = q.in_flight - t.calls,
                                         month_spent_usd = q.month_spent_usd + (
                                             SELECT coalesce(sum(c.cost_usd), 0) FROM charged c
                                             WHERE c.tenant_id = q.tenant_id AND c.month = q.month)
                FROM totals t JOIN locked k ON k.tenant_id = t.tenant_id
                WHERE q.tenant_id = t.tenant_id
            )
            SELECT count(*) FROM recorded
            """);

    /** Recorded calls still holding their reservation: their replica died between the two settlement steps. */
    static final String RECORDED = """
            SELECT r.tenant_id, r.request_id FROM reservation r
            JOIN call_ledger l ON l.request_id = r.request_id AND l.created_at = r.created_at
            WHERE l.settled_at < ? ORDER BY r.tenant_id LIMIT 1000
            """;

    private LedgerStatements() {
    }
}
