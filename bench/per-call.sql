-- The gateway's own per-call SQL, one statement per round trip and each in its own autocommit transaction, as the
-- gateway runs them (no @Transactional around a call without Idempotency-Key):
--   1. TenantAuthenticator.LOOKUP   2. QuotaService.RESERVE   3. QuotaService.SETTLE
-- Run with -M prepared (pgjdbc server-prepares repeated statements) and these -D variables, set by bench/run.sh:
--   keyhash (bytea as \x...), price, month, day, minute, now (the gateway's window values).
-- The request id comes from gen_random_uuid() in the lookup's row (pgbench \set has no uuid function), so there are
-- still exactly three round trips per call. Casts only give pgbench's untyped parameters the types pgjdbc sends.
SELECT k.id AS key_id, k.tenant_id, t.suspended, gen_random_uuid() AS rid
FROM api_key k JOIN tenant t ON t.id = k.tenant_id
WHERE k.key_hash = :keyhash::bytea AND k.revoked_at IS NULL \gset

WITH admitted AS (
    UPDATE quota_state q SET
        month_spent_usd = CASE WHEN q.month = :month::date THEN q.month_spent_usd ELSE 0 END,
        month = :month::date,
        reserved_usd = q.reserved_usd + :price::numeric,
        in_flight = q.in_flight + 1,
        day_calls = CASE WHEN q.day = :day::date THEN q.day_calls ELSE 0 END + 1,
        day = :day::date,
        minute_calls = CASE WHEN q.minute = :minute::timestamptz THEN q.minute_calls ELSE 0 END + 1,
        minute = :minute::timestamptz
    FROM tenant t
    WHERE q.tenant_id = :tenant_id AND t.id = q.tenant_id AND NOT t.suspended
      AND (t.monthly_budget_usd IS NULL OR
           CASE WHEN q.month = :month::date THEN q.month_spent_usd ELSE 0 END + q.reserved_usd + :price::numeric
               <= t.monthly_budget_usd)
      AND (t.daily_request_limit IS NULL OR
           CASE WHEN q.day = :day::date THEN q.day_calls ELSE 0 END < t.daily_request_limit)
      AND (t.requests_per_minute IS NULL OR
           CASE WHEN q.minute = :minute::timestamptz THEN q.minute_calls ELSE 0 END < t.requests_per_minute)
      AND (t.max_concurrent IS NULL OR q.in_flight < t.max_concurrent)
    RETURNING q.tenant_id
)
INSERT INTO reservation (request_id, tenant_id, key_id, model_id, endpoint, images, amount_usd, month,
                         idempotency_key, prompt_sha256, created_at)
SELECT :rid::uuid, tenant_id, :key_id::uuid, 'octoflat', 'text2img', 1, :price::numeric, :month::date, NULL,
       sha256('a cat'::bytea), :now::timestamptz
FROM admitted;

WITH released AS (
    DELETE FROM reservation WHERE request_id = :rid::uuid RETURNING *
), state AS (
    UPDATE quota_state q SET
        reserved_usd = q.reserved_usd - r.amount_usd,
        in_flight = q.in_flight - 1,
        month_spent_usd = q.month_spent_usd + CASE WHEN q.month = r.month THEN :price::numeric ELSE 0 END
    FROM released r
    WHERE q.tenant_id = r.tenant_id
    RETURNING q.tenant_id, q.month, q.month_spent_usd, q.reserved_usd
), ledger AS (
    INSERT INTO call_ledger (request_id, tenant_id, key_id, model_id, endpoint, idempotency_key, upstream_id,
                             outcome, upstream_status, http_status, images, cost_usd, upstream_latency_ms,
                             prompt_sha256, created_at, settled_at)
    SELECT r.request_id, r.tenant_id, r.key_id, r.model_id, r.endpoint, r.idempotency_key, '81443063',
           'success', 200, 200, r.images, :price::numeric, 1, r.prompt_sha256,
           r.created_at, :now::timestamptz
    FROM released r
    RETURNING request_id
)
SELECT t.monthly_budget_usd - CASE WHEN s.month = :month::date THEN s.month_spent_usd ELSE 0 END - s.reserved_usd
       AS remaining, t.monthly_budget_usd IS NULL AS unlimited
FROM state s JOIN tenant t ON t.id = s.tenant_id;
