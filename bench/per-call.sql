-- The gateway's own per-call SQL, as it runs it, for pgbench (bench/run.sh). Written by PerCallSqlTest from
-- the statements in the code; change those, then: ./mvnw test -Dtest=PerCallSqlTest -Dbench.sql.write=true
--   1. QuotaStatements.RESERVE_BY_KEY_HASH: locks the key's, cost centre's and tenant's rows, then
--      authenticates the key and admits the call; two statements in one round trip and one transaction
--      (a pipeline here, as pgJDBC sends them), committed without waiting for the WAL flush
--   2. LedgerStatements.RECORD, durable: one call per commit here, the floor without the gateway's group
--      commit (it commits the rows of all the calls waiting in one autocommit batch)
--   3. QuotaStatements.APPLY for this one call, the same way as 1
-- Run with -M prepared (pgJDBC server-prepares repeated statements) and these -D variables, set by
-- bench/run.sh: keyhash (bytea as \x...), price, month, day, minute, now (the gateway's window values).
-- pgbench has no uuid function and no \gset in a pipeline, so the request id is made from the client's
-- number and a random one. Casts only give pgbench's untyped variables the types pgJDBC sends.
\set r random(1, 1000000000000000)
\startpipeline
WITH caller AS (
    SELECT k.id AS key_id, k.tenant_id, t.cost_centre_id
    FROM api_key k JOIN tenant t ON t.id = k.tenant_id
    WHERE k.key_hash = :keyhash::bytea AND k.revoked_at IS NULL
), key_row AS (
    SELECT kq.key_id FROM key_quota_state kq WHERE kq.key_id = (SELECT key_id FROM caller)
    FOR NO KEY UPDATE
), cost_centre_row AS (
    SELECT cq.cost_centre_id FROM cost_centre_quota_state cq
    WHERE cq.cost_centre_id = (SELECT cost_centre_id FROM caller) AND (SELECT count(*) FROM key_row) >= 0
    FOR NO KEY UPDATE
), tenant_row AS (
    SELECT q.tenant_id FROM quota_state q
    WHERE q.tenant_id = (SELECT tenant_id FROM caller) AND (SELECT count(*) FROM cost_centre_row) >= 0
    FOR NO KEY UPDATE
)
SELECT set_config('gateway.cost_centre', coalesce(c.cost_centre_id, ''), true)
FROM caller c WHERE (SELECT count(*) FROM tenant_row) >= 0
;
WITH caller AS (
    SELECT k.id AS key_id, k.tenant_id, nullif(current_setting('gateway.cost_centre', true), '') AS cost_centre_id,
           k.monthly_budget_usd, k.requests_per_minute
    FROM api_key k
    WHERE k.key_hash = :keyhash::bytea AND k.revoked_at IS NULL
), key_row AS (
    SELECT kq.* FROM key_quota_state kq WHERE kq.key_id = (SELECT key_id FROM caller)
), cost_centre_row AS (
    SELECT cq.* FROM cost_centre_quota_state cq WHERE cq.cost_centre_id = (SELECT cost_centre_id FROM caller)
), admitted AS (
    UPDATE quota_state q SET
        month_spent_usd = CASE WHEN q.month >= :month::date THEN q.month_spent_usd ELSE 0 END,
        month = greatest(q.month, :month::date),
        reserved_usd = q.reserved_usd + :price::numeric,
        in_flight = q.in_flight + 1,
        day_calls = CASE WHEN q.day >= :day::date THEN q.day_calls ELSE 0 END + 1,
        day = greatest(q.day, :day::date),
        minute_calls = CASE WHEN q.minute >= :minute::timestamptz THEN q.minute_calls ELSE 0 END + 1,
        minute = greatest(q.minute, :minute::timestamptz)
    FROM caller k JOIN tenant t ON t.id = k.tenant_id LEFT JOIN key_row kq ON true
         LEFT JOIN cost_centre_row cq ON true LEFT JOIN cost_centre cc ON cc.id = cq.cost_centre_id
    WHERE q.tenant_id = k.tenant_id AND (CASE
    WHEN t.suspended THEN 'tenant_suspended'
    WHEN t.monthly_budget_usd IS NOT NULL
         AND CASE WHEN q.month >= :month::date THEN q.month_spent_usd ELSE 0 END + q.reserved_usd + :price::numeric
             > t.monthly_budget_usd THEN 'budget_exhausted'
    WHEN cc.monthly_budget_usd IS NOT NULL
         AND CASE WHEN cq.month >= :month::date THEN cq.month_spent_usd ELSE 0 END + cq.reserved_usd + :price::numeric
             > cc.monthly_budget_usd THEN 'cost_centre_budget_exhausted'
    WHEN k.monthly_budget_usd IS NOT NULL
         AND CASE WHEN kq.month >= :month::date THEN kq.month_spent_usd ELSE 0 END + kq.reserved_usd + :price::numeric
             > k.monthly_budget_usd THEN 'key_budget_exhausted'
    WHEN t.daily_request_limit IS NOT NULL
         AND CASE WHEN q.day >= :day::date THEN q.day_calls ELSE 0 END >= t.daily_request_limit THEN 'daily_limit'
    WHEN t.requests_per_minute IS NOT NULL
         AND CASE WHEN q.minute >= :minute::timestamptz THEN q.minute_calls ELSE 0 END >= t.requests_per_minute
         THEN 'rate_limited'
    WHEN k.requests_per_minute IS NOT NULL
         AND CASE WHEN kq.minute >= :minute::timestamptz THEN kq.minute_calls ELSE 0 END >= k.requests_per_minute
         THEN 'key_rate_limited'
    WHEN t.max_concurrent IS NOT NULL AND q.in_flight >= t.max_concurrent THEN 'too_many_concurrent'
END) IS NULL
    RETURNING q.tenant_id, q.month
), key_admitted AS (
    UPDATE key_quota_state kq SET
        month_spent_usd = CASE WHEN kq.month >= :month::date THEN kq.month_spent_usd ELSE 0 END,
        month = greatest(kq.month, :month::date),
        reserved_usd = kq.reserved_usd + :price::numeric,
        minute_calls = CASE WHEN kq.minute >= :minute::timestamptz THEN kq.minute_calls ELSE 0 END + 1,
        minute = greatest(kq.minute, :minute::timestamptz)
    FROM key_row r WHERE kq.key_id = r.key_id AND EXISTS (SELECT 1 FROM admitted)
), cost_centre_admitted AS (
    UPDATE cost_centre_quota_state cq SET
        month_spent_usd = CASE WHEN cq.month >= :month::date THEN cq.month_spent_usd ELSE 0 END,
        month = greatest(cq.month, :month::date),
        reserved_usd = cq.reserved_usd + :price::numeric
    FROM cost_centre_row r WHERE cq.cost_centre_id = r.cost_centre_id AND EXISTS (SELECT 1 FROM admitted)
), reserved AS (
    INSERT INTO reservation (request_id, tenant_id, key_id, model_id, endpoint, images, amount_usd, month,
                             idempotency_key, prompt_sha256, created_at, holds_upstream_slot, price_id,
                             unit_price_usd, expected_modelslab_usd, cost_centre_id, project, tags,
                             track_id)
    SELECT md5(:client_id || '-' || :r)::uuid, a.tenant_id, c.key_id, 'octoflat', 'text2img', 1, :price::numeric, a.month, NULL,
           sha256('a cat'::bytea), :now::timestamptz, false, 1::bigint, :price::numeric, :price::numeric, c.cost_centre_id,
           NULL::varchar, nullif(jsonb_object(CAST('{}'::varchar[] AS text[]), CAST('{}'::varchar[] AS text[])), '{}'), NULL::varchar
    FROM admitted a CROSS JOIN caller c
    RETURNING request_id
)
SELECT k.key_id, k.tenant_id, k.cost_centre_id,
       CASE WHEN EXISTS (SELECT 1 FROM reserved) THEN NULL ELSE CASE
    WHEN t.suspended THEN 'tenant_suspended'
    WHEN t.monthly_budget_usd IS NOT NULL
         AND CASE WHEN q.month >= :month::date THEN q.month_spent_usd ELSE 0 END + q.reserved_usd + :price::numeric
             > t.monthly_budget_usd THEN 'budget_exhausted'
    WHEN cc.monthly_budget_usd IS NOT NULL
         AND CASE WHEN cq.month >= :month::date THEN cq.month_spent_usd ELSE 0 END + cq.reserved_usd + :price::numeric
             > cc.monthly_budget_usd THEN 'cost_centre_budget_exhausted'
    WHEN k.monthly_budget_usd IS NOT NULL
         AND CASE WHEN kq.month >= :month::date THEN kq.month_spent_usd ELSE 0 END + kq.reserved_usd + :price::numeric
             > k.monthly_budget_usd THEN 'key_budget_exhausted'
    WHEN t.daily_request_limit IS NOT NULL
         AND CASE WHEN q.day >= :day::date THEN q.day_calls ELSE 0 END >= t.daily_request_limit THEN 'daily_limit'
    WHEN t.requests_per_minute IS NOT NULL
         AND CASE WHEN q.minute >= :minute::timestamptz THEN q.minute_calls ELSE 0 END >= t.requests_per_minute
         THEN 'rate_limited'
    WHEN k.requests_per_minute IS NOT NULL
         AND CASE WHEN kq.minute >= :minute::timestamptz THEN kq.minute_calls ELSE 0 END >= k.requests_per_minute
         THEN 'key_rate_limited'
    WHEN t.max_concurrent IS NOT NULL AND q.in_flight >= t.max_concurrent THEN 'too_many_concurrent'
END END AS refusal,
       coalesce((SELECT a.month FROM admitted a), greatest(q.month, :month::date)) AS month,
       greatest(q.day, :day::date) AS day, greatest(q.minute, :minute::timestamptz, kq.minute) AS minute,
       EXISTS (SELECT 1 FROM reserved) AS admitted
FROM caller k JOIN tenant t ON t.id = k.tenant_id JOIN quota_state q ON q.tenant_id = k.tenant_id
     LEFT JOIN key_row kq ON true
     LEFT JOIN cost_centre_row cq ON true LEFT JOIN cost_centre cc ON cc.id = cq.cost_centre_id
-- Commit without waiting for the WAL flush (see QuotaService.reserve); transaction-local, so it ends with
-- this transaction.
CROSS JOIN (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit;
\endpipeline

INSERT INTO call_ledger (request_id, tenant_id, key_id, model_id, endpoint, idempotency_key, upstream_id,
                         outcome, upstream_status, http_status, images, cost_usd, upstream_latency_ms,
                         prompt_sha256, created_at, settled_at, price_id, unit_price_usd,
                         expected_modelslab_usd, cost_centre_id, project, tags, track_id)
SELECT r.request_id, r.tenant_id, r.key_id, r.model_id, r.endpoint, r.idempotency_key, '81443063',
       'success', 200, 200, r.images, :price::numeric, 1, r.prompt_sha256, r.created_at, :now::timestamptz,
       r.price_id, r.unit_price_usd, CASE WHEN true THEN r.expected_modelslab_usd ELSE 0 END,
       r.cost_centre_id, r.project, r.tags, r.track_id
FROM reservation r
WHERE r.request_id = md5(:client_id || '-' || :r)::uuid
-- the sweeper recorded it as abandoned meanwhile: settled without its reservation instead
ON CONFLICT ON CONSTRAINT call_ledger_pkey DO NOTHING;

\startpipeline
WITH calls AS (
    SELECT r.tenant_id, r.key_id, r.cost_centre_id FROM reservation r WHERE r.request_id = ANY(ARRAY[md5(:client_id || '-' || :r)::uuid])
    FOR UPDATE
), locked_keys AS (
    SELECT kq.key_id FROM key_quota_state kq WHERE kq.key_id IN (SELECT key_id FROM calls)
      AND (SELECT count(*) FROM calls) >= 0
    ORDER BY kq.key_id
    FOR NO KEY UPDATE
), locked_cost_centres AS (
    SELECT cq.cost_centre_id FROM cost_centre_quota_state cq
    WHERE cq.cost_centre_id IN (SELECT cost_centre_id FROM calls)
      AND (SELECT count(*) FROM locked_keys) >= 0
    ORDER BY cq.cost_centre_id
    FOR NO KEY UPDATE
), locked AS (
    SELECT q.tenant_id FROM quota_state q
    WHERE q.tenant_id IN (SELECT tenant_id FROM calls) AND (SELECT count(*) FROM locked_cost_centres) >= 0
    ORDER BY q.tenant_id
    FOR NO KEY UPDATE
)
SELECT count(*) FROM locked;
WITH applied AS (
    DELETE FROM reservation r USING call_ledger l
    WHERE r.request_id = ANY(ARRAY[md5(:client_id || '-' || :r)::uuid]) AND l.request_id = r.request_id AND l.created_at = r.created_at
    RETURNING r.tenant_id, r.key_id, r.cost_centre_id, r.amount_usd, r.month, r.holds_upstream_slot,
              l.cost_usd
), key_state AS (
    UPDATE key_quota_state kq SET
        reserved_usd = kq.reserved_usd - (SELECT sum(a.amount_usd) FROM applied a WHERE a.key_id = kq.key_id),
        month_spent_usd = kq.month_spent_usd + (SELECT coalesce(sum(a.cost_usd), 0) FROM applied a
                                                WHERE a.key_id = kq.key_id AND a.month = kq.month)
    WHERE kq.key_id IN (SELECT key_id FROM applied)
), cost_centre_state AS (
    UPDATE cost_centre_quota_state cq SET
        reserved_usd = cq.reserved_usd
            - (SELECT sum(a.amount_usd) FROM applied a WHERE a.cost_centre_id = cq.cost_centre_id),
        month_spent_usd = cq.month_spent_usd + (SELECT coalesce(sum(a.cost_usd), 0) FROM applied a
                                                WHERE a.cost_centre_id = cq.cost_centre_id
                                                  AND a.month = cq.month)
    WHERE cq.cost_centre_id IN (SELECT cost_centre_id FROM applied)
), state AS (
    UPDATE quota_state q SET
        reserved_usd = q.reserved_usd
            - (SELECT sum(a.amount_usd) FROM applied a WHERE a.tenant_id = q.tenant_id),
        in_flight = q.in_flight - (SELECT count(*) FROM applied a WHERE a.tenant_id = q.tenant_id),
        month_spent_usd = q.month_spent_usd + (SELECT coalesce(sum(a.cost_usd), 0) FROM applied a
                                               WHERE a.tenant_id = q.tenant_id AND a.month = q.month)
    WHERE q.tenant_id IN (SELECT tenant_id FROM applied)
    RETURNING q.tenant_id, q.month, q.month_spent_usd, q.reserved_usd
), slot AS (
    UPDATE upstream_slot u SET in_flight = u.in_flight - (SELECT count(*) FROM applied WHERE holds_upstream_slot)
    WHERE u.id = 1 AND EXISTS (SELECT 1 FROM applied WHERE holds_upstream_slot)
), alerts AS (
    -- Spending that crosses one of the tenant's thresholds records that alert, once per threshold and
    -- month; the alert package delivers it after this commits.
    INSERT INTO budget_alert (tenant_id, month, threshold_percent, spent_usd, budget_usd, created_at,
                              next_attempt_at)
    SELECT s.tenant_id, s.month, threshold, s.month_spent_usd, t.monthly_budget_usd, :now::timestamptz, :now::timestamptz
    FROM state s JOIN tenant t ON t.id = s.tenant_id, unnest(t.alert_thresholds) AS threshold
    WHERE t.alert_webhook_url IS NOT NULL AND t.monthly_budget_usd > 0
      AND EXISTS (SELECT 1 FROM applied a WHERE a.tenant_id = s.tenant_id AND a.cost_usd > 0)
      AND s.month_spent_usd * 100 >= t.monthly_budget_usd * threshold
    ON CONFLICT DO NOTHING
    RETURNING tenant_id
)
SELECT s.tenant_id,
       t.monthly_budget_usd - CASE WHEN s.month >= :month::date THEN s.month_spent_usd ELSE 0 END - s.reserved_usd
           AS remaining,
       t.monthly_budget_usd IS NULL AS unlimited,
       EXISTS (SELECT 1 FROM alerts al WHERE al.tenant_id = s.tenant_id) AS alerts
FROM state s JOIN tenant t ON t.id = s.tenant_id
-- Commit without waiting for the WAL flush: the ledger rows are already durable (see ledger.GroupCommit).
CROSS JOIN (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit;
\endpipeline
