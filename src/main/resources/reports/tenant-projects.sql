-- One tenant's month per project (NULL: calls without one), with its adjustments, plus the total row.
-- Read by the gateway (package report). Parameters: tenant; from and to, the half-open range of created_at; month,
-- its first day.
WITH grouped AS MATERIALIZED (
    SELECT project, sum(calls) AS calls, sum(cost_usd) AS cost_usd, sum(adjustments_usd) AS adjustments_usd
    FROM (
        SELECT l.project, 1 AS calls, l.cost_usd, 0 AS adjustments_usd
        FROM call_ledger l
        WHERE l.tenant_id = :tenant AND l.created_at >= :from AND l.created_at < :to
        UNION ALL
        SELECT a.project, 0, 0, a.amount_usd
        FROM ledger_adjustment a WHERE a.tenant_id = :tenant AND a.month = :month
    ) u
    GROUP BY project
)
SELECT project, false AS is_total, calls, cost_usd, adjustments_usd FROM grouped
UNION ALL
SELECT NULL, true, coalesce(sum(calls), 0), coalesce(sum(cost_usd), 0), coalesce(sum(adjustments_usd), 0) FROM grouped
ORDER BY is_total, project NULLS FIRST
