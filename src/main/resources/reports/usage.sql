-- Usage of all tenants over a range of instants, grouped by any of tenant, UTC day, model, key, cost centre, project and
-- one tag, and filtered by tenant, cost centre and project.
-- Read by the gateway (package report) and by bench/reports.sh, so both run this very statement.
-- Parameters: from and to, the half-open range of created_at (its first and last day: fromDay, toDay); rollupUntil
-- and rawFrom (below); byTenant,
-- byDay, byModel, byKey, byCostCentre, byProject, booleans; tagKey, the tag grouped by or NULL; tenant, costCentre,
-- project, filters or NULL.
-- A dimension that is not grouped by is NULL in every row, so it falls out of the grouping. The gateway plans it with
-- the parameter values (plan_cache_mode force_custom_plan), so the unused CASEs and filters fold away, PostgreSQL scans
-- only the partitions of the range (created_at is the partition key) and can aggregate in parallel workers, and the
-- statistics of V2 give it the number of groups.
-- Billed calls are those that cost something; images count only on billed calls; failed calls are every outcome
-- but success and processing (a timeout or an upstream_unknown is both billed and failed).
-- Adjustments (ledger_adjustment) belong to a month, not to a day, model, key or tag: one counts when its month's first
-- day is in the range, under its tenant, cost centre and project, with day, model, key and tag empty. So grouped by
-- day it is a row of its own, and every total stays the ledger's exact sum.
-- The last row (is_total) sums the groups: exact, since it adds NUMERIC sums, and cheap, since it reads only groups.
WITH calls AS MATERIALIZED (
    -- Sealed days from their sums (V16's call_ledger_daily), the rest from the ledger; rawFrom is the later of from
    -- and rollupUntil's first instant.
    SELECT CASE WHEN :byTenant THEN d.tenant_id END AS tenant,
           CASE WHEN :byDay THEN d.day END AS day,
           CASE WHEN :byModel THEN d.model_id END AS model,
           CASE WHEN :byKey THEN d.key_id END AS key_id,
           CASE WHEN :byCostCentre THEN d.cost_centre_id END AS cost_centre,
           CASE WHEN :byProject THEN d.project END AS project,
           CASE WHEN :tagKey::text IS NOT NULL THEN d.tags ->> :tagKey::text END AS tag,
           sum(d.calls) AS calls, sum(d.billed_calls) AS billed_calls, sum(d.failed_calls) AS failed_calls,
           sum(d.images) AS images, sum(d.cost_usd) AS cost_usd
    FROM call_ledger_daily d
    WHERE d.day >= :fromDay AND d.day < :rollupUntil
      AND (:tenant::text IS NULL OR d.tenant_id = :tenant::text)
      AND (:costCentre::text IS NULL OR d.cost_centre_id = :costCentre::text)
      AND (:project::text IS NULL OR d.project = :project::text)
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    UNION ALL
    SELECT CASE WHEN :byTenant THEN l.tenant_id END,
           CASE WHEN :byDay THEN (l.created_at AT TIME ZONE 'UTC')::date END,
           CASE WHEN :byModel THEN l.model_id END,
           CASE WHEN :byKey THEN l.key_id END,
           CASE WHEN :byCostCentre THEN l.cost_centre_id END,
           CASE WHEN :byProject THEN l.project END,
           CASE WHEN :tagKey::text IS NOT NULL THEN l.tags ->> :tagKey::text END,
           count(*),
           count(*) FILTER (WHERE l.cost_usd > 0),
           count(*) FILTER (WHERE l.outcome NOT IN ('success', 'processing')),
           coalesce(sum(l.images) FILTER (WHERE l.cost_usd > 0), 0),
           coalesce(sum(l.cost_usd), 0)
    FROM call_ledger l
    WHERE l.created_at >= :rawFrom AND l.created_at < :to
      AND (:tenant::text IS NULL OR l.tenant_id = :tenant::text)
      AND (:costCentre::text IS NULL OR l.cost_centre_id = :costCentre::text)
      AND (:project::text IS NULL OR l.project = :project::text)
    GROUP BY 1, 2, 3, 4, 5, 6, 7
), adjustments AS (
    SELECT CASE WHEN :byTenant THEN a.tenant_id END AS tenant,
           CASE WHEN :byCostCentre THEN a.cost_centre_id END AS cost_centre,
           CASE WHEN :byProject THEN a.project END AS project,
           sum(a.amount_usd) AS adjustments_usd
    FROM ledger_adjustment a
    WHERE a.month >= :fromDay AND a.month <= :toDay
      AND (:tenant::text IS NULL OR a.tenant_id = :tenant::text)
      AND (:costCentre::text IS NULL OR a.cost_centre_id = :costCentre::text)
      AND (:project::text IS NULL OR a.project = :project::text)
    GROUP BY 1, 2, 3
), grouped AS MATERIALIZED (
    SELECT tenant, day, model, key_id, cost_centre, project, tag,
           sum(calls) AS calls, sum(billed_calls) AS billed_calls, sum(failed_calls) AS failed_calls,
           sum(images) AS images, sum(cost_usd) AS cost_usd, sum(adjustments_usd) AS adjustments_usd
    FROM (
        SELECT tenant, day, model, key_id, cost_centre, project, tag, calls, billed_calls, failed_calls, images,
               cost_usd, 0 AS adjustments_usd
        FROM calls
        UNION ALL
        SELECT tenant, NULL, NULL, NULL, cost_centre, project, NULL, 0, 0, 0, 0, 0, adjustments_usd
        FROM adjustments
    ) u
    GROUP BY tenant, day, model, key_id, cost_centre, project, tag
)
SELECT g.tenant, g.day, g.model, g.key_id, k.prefix AS key_prefix, g.cost_centre, g.project, g.tag, false AS is_total,
       g.calls, g.billed_calls, g.failed_calls, g.images, g.cost_usd, g.adjustments_usd
FROM grouped g
LEFT JOIN api_key k ON k.id = g.key_id
UNION ALL
SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, true,
       coalesce(sum(calls), 0), coalesce(sum(billed_calls), 0), coalesce(sum(failed_calls), 0),
       coalesce(sum(images), 0), coalesce(sum(cost_usd), 0), coalesce(sum(adjustments_usd), 0)
FROM grouped
ORDER BY is_total, tenant, cost_centre, project, day, model, key_id, tag
