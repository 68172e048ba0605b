-- A cost centre's calls in a month, per tenant, project and model, plus the total row. Adjustments are listed one by
-- one (cost-centre-adjustments.sql). Read by the gateway (package report) and by bench/reports.sh.
-- Parameters: costCentre; from and to, the half-open range of created_at (one UTC month, so one partition); fromDay,
-- its first day; rollupUntil, the first day not read from the sums, and rawFrom, its first instant (or from).
WITH calls AS (
    -- Sealed days from their sums (V16's call_ledger_daily), the rest from the ledger, from rawFrom on.
    SELECT d.tenant_id AS tenant, d.project, d.model_id AS model, d.calls, d.billed_calls, d.images, d.cost_usd
    FROM call_ledger_daily d
    WHERE d.cost_centre_id = :costCentre AND d.day >= :fromDay AND d.day < :rollupUntil
    UNION ALL
    SELECT l.tenant_id, l.project, l.model_id, 1, CASE WHEN l.cost_usd > 0 THEN 1 ELSE 0 END,
           CASE WHEN l.cost_usd > 0 THEN l.images ELSE 0 END, l.cost_usd
    FROM call_ledger l
    WHERE l.cost_centre_id = :costCentre AND l.created_at >= :rawFrom AND l.created_at < :to
)
SELECT tenant, project, model,
       GROUPING(tenant, project, model) <> 0 AS is_total,
       coalesce(sum(calls), 0) AS calls,
       coalesce(sum(billed_calls), 0) AS billed_calls,
       coalesce(sum(images), 0) AS images,
       coalesce(sum(cost_usd), 0) AS cost_usd
FROM calls
GROUP BY GROUPING SETS ((tenant, project, model), ())
ORDER BY is_total, tenant, project NULLS FIRST, model
