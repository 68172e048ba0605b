-- The month's bill-back: per cost centre, tenant and project (each NULL where the call or adjustment had none), the
-- calls, billed images and their cost, and the month's adjustments, plus the total row. Cost centre and project are
-- those recorded on each row at call time, so moving a tenant to another cost centre never rewrites a past month.
-- Read by the gateway (package report) and by bench/reports.sh.
-- Parameters: from and to, the half-open range of created_at (one UTC month, so one partition); month and fromDay,
-- its first day; rollupUntil, the first day not read from the sums, and rawFrom, its first instant (or from).
WITH calls AS MATERIALIZED (
    -- Sealed days from their sums (V16's call_ledger_daily), the rest from the ledger, from rawFrom on.
    SELECT d.cost_centre_id AS cost_centre, d.tenant_id AS tenant, d.project,
           sum(d.calls) AS calls, sum(d.images) AS images, sum(d.cost_usd) AS cost_usd
    FROM call_ledger_daily d
    WHERE d.day >= :fromDay AND d.day < :rollupUntil
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT l.cost_centre_id, l.tenant_id, l.project,
           count(*),
           coalesce(sum(l.images) FILTER (WHERE l.cost_usd > 0), 0),
           coalesce(sum(l.cost_usd), 0)
    FROM call_ledger l
    WHERE l.created_at >= :rawFrom AND l.created_at < :to
    GROUP BY 1, 2, 3
), grouped AS MATERIALIZED (
    SELECT cost_centre, tenant, project, sum(calls) AS calls, sum(images) AS images, sum(cost_usd) AS cost_usd,
           sum(adjustments_usd) AS adjustments_usd
    FROM (
        SELECT cost_centre, tenant, project, calls, images, cost_usd, 0 AS adjustments_usd FROM calls
        UNION ALL
        SELECT a.cost_centre_id, a.tenant_id, a.project, 0, 0, 0, a.amount_usd
        FROM ledger_adjustment a WHERE a.month = :month
    ) u
    GROUP BY cost_centre, tenant, project
)
SELECT cost_centre, tenant, project, false AS is_total, calls, images, cost_usd, adjustments_usd
FROM grouped
UNION ALL
SELECT NULL, NULL, NULL, true, coalesce(sum(calls), 0), coalesce(sum(images), 0), coalesce(sum(cost_usd), 0),
       coalesce(sum(adjustments_usd), 0)
FROM grouped
ORDER BY is_total, cost_centre NULLS FIRST, tenant, project NULLS FIRST
