-- Not the gateway's SQL: the settlement it does not use, measured against it by bench/run.sh (section 2). The ledger
-- rows and the charge in one durable statement, one round trip instead of RECORD's and APPLY's, but the tenant's quota
-- row stays locked until the WAL flush, so the tenant's admissions and other settlements wait for it. bench/run.sh
-- runs this after the RESERVE statements of bench/per-call.sql, with the same variables (:rid and :tenant_id replaced).
WITH recorded AS (
    INSERT INTO call_ledger (request_id, tenant_id, key_id, model_id, endpoint, idempotency_key, upstream_id,
                             outcome, upstream_status, http_status, images, cost_usd, upstream_latency_ms,
                             prompt_sha256, created_at, settled_at)
    SELECT r.request_id, r.tenant_id, r.key_id, r.model_id, r.endpoint, r.idempotency_key, '81443063',
           'success', 200, 200, r.images, :price::numeric, 1, r.prompt_sha256, r.created_at, :now::timestamptz
    FROM reservation r
    WHERE r.request_id = ANY(ARRAY[:rid::uuid])
    ON CONFLICT ON CONSTRAINT call_ledger_pkey DO NOTHING
    RETURNING request_id, cost_usd
), applied AS (
    DELETE FROM reservation r USING recorded l
    WHERE r.request_id = l.request_id AND r.tenant_id = :tenant_id
    RETURNING r.amount_usd, r.month, r.holds_upstream_slot, l.cost_usd
), state AS (
    UPDATE quota_state q SET
        reserved_usd = q.reserved_usd - (SELECT sum(amount_usd) FROM applied),
        in_flight = q.in_flight - (SELECT count(*) FROM applied),
        month_spent_usd = q.month_spent_usd
            + (SELECT coalesce(sum(cost_usd), 0) FROM applied a WHERE a.month = q.month)
    WHERE q.tenant_id = :tenant_id AND EXISTS (SELECT 1 FROM applied)
    RETURNING q.tenant_id, q.month, q.month_spent_usd, q.reserved_usd
), slot AS (
    UPDATE upstream_slot u SET in_flight = u.in_flight - (SELECT count(*) FROM applied WHERE holds_upstream_slot)
    WHERE u.id = 1 AND EXISTS (SELECT 1 FROM applied WHERE holds_upstream_slot)
), alerts AS (
    INSERT INTO budget_alert (tenant_id, month, threshold_percent, spent_usd, budget_usd, created_at, next_attempt_at)
    SELECT s.tenant_id, s.month, threshold, s.month_spent_usd, t.monthly_budget_usd, :now::timestamptz, :now::timestamptz
    FROM state s JOIN tenant t ON t.id = s.tenant_id, unnest(t.alert_thresholds) AS threshold
    WHERE t.alert_webhook_url IS NOT NULL AND t.monthly_budget_usd > 0
      AND EXISTS (SELECT 1 FROM applied WHERE cost_usd > 0)
      AND s.month_spent_usd * 100 >= t.monthly_budget_usd * threshold
    ON CONFLICT DO NOTHING
    RETURNING threshold_percent
)
SELECT t.monthly_budget_usd - CASE WHEN s.month = :month::date THEN s.month_spent_usd ELSE 0 END - s.reserved_usd
       AS remaining, t.monthly_budget_usd IS NULL AS unlimited, (SELECT count(*) FROM alerts) AS alerts
FROM state s JOIN tenant t ON t.id = s.tenant_id;
