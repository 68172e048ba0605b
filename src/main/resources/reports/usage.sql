-- Usage of all tenants over a range of instants, grouped by any of tenant, UTC day, model and key.
-- Read by the gateway (package report) and by bench/report-benchmark.sh, so both run this very statement.
-- Parameters: from and to, the half-open range of created_at; byTenant, byDay, byModel and byKey, booleans.
-- A dimension that is not grouped by is NULL in every row, so it falls out of the grouping. The gateway plans it with
-- the parameter values (plan_cache_mode force_custom_plan), so the unused CASEs fold away, PostgreSQL can aggregate in
-- parallel workers, and the statistics of V2 give it the number of groups.
-- Billed calls are those that cost something; images count only on billed calls; failed calls are every outcome
-- but success and processing (a timeout or an upstream_unknown is both billed and failed).
-- The last row (is_total) sums the groups: exact, since it adds NUMERIC sums, and cheap, since it reads only groups.
WITH grouped AS MATERIALIZED (
    SELECT CASE WHEN :byTenant THEN l.tenant_id END AS tenant,
           CASE WHEN :byDay THEN (l.created_at AT TIME ZONE 'UTC')::date END AS day,
           CASE WHEN :byModel THEN l.model_id END AS model,
           CASE WHEN :byKey THEN l.key_id END AS key_id,
           count(*) AS calls,
           count(*) FILTER (WHERE l.cost_usd > 0) AS billed_calls,
           count(*) FILTER (WHERE l.outcome NOT IN ('success', 'processing')) AS failed_calls,
           coalesce(sum(l.images) FILTER (WHERE l.cost_usd > 0), 0) AS images,
           coalesce(sum(l.cost_usd), 0) AS cost_usd
    FROM call_ledger l
    WHERE l.created_at >= :from AND l.created_at < :to
    GROUP BY 1, 2, 3, 4
)
SELECT g.tenant, g.day, g.model, g.key_id, k.prefix AS key_prefix, false AS is_total,
       g.calls, g.billed_calls, g.failed_calls, g.images, g.cost_usd
FROM grouped g
LEFT JOIN api_key k ON k.id = g.key_id
UNION ALL
SELECT NULL, NULL, NULL, NULL, NULL, true,
       coalesce(sum(calls), 0), coalesce(sum(billed_calls), 0), coalesce(sum(failed_calls), 0),
       coalesce(sum(images), 0), coalesce(sum(cost_usd), 0)
FROM grouped
ORDER BY is_total, tenant, day, model, key_id
