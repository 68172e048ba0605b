-- One tenant's calls in a range of instants (a calendar month), per UTC day, plus the total row: what a tenant sees
-- of its own usage. Read by the gateway (package report) and by bench/report-benchmark.sh.
-- Parameters: tenant; from and to, the half-open range of created_at.
WITH calls AS (
    SELECT (l.created_at AT TIME ZONE 'UTC')::date AS day, l.cost_usd
    FROM call_ledger l
    WHERE l.tenant_id = :tenant AND l.created_at >= :from AND l.created_at < :to
)
SELECT day,
       GROUPING(day) <> 0 AS is_total,
       count(*) AS calls,
       coalesce(sum(cost_usd), 0) AS cost_usd
FROM calls
GROUP BY GROUPING SETS ((day), ())
ORDER BY is_total, day
