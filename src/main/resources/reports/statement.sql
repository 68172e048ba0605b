-- One tenant's calls in a range of instants (a calendar month), per UTC day, model and unit price (a price change in
-- the month gives the model two lines), plus the total row. Rows older than the price table have no unit price.
-- Read by the gateway (package report) and by bench/report-benchmark.sh, so both run this very statement.
-- Parameters: tenant; from and to, the half-open range of created_at.
-- Billed calls are those that cost something; images count only on billed calls.
WITH calls AS (
    SELECT (l.created_at AT TIME ZONE 'UTC')::date AS day, l.model_id AS model, l.unit_price_usd AS unit_price,
           l.images, l.cost_usd
    FROM call_ledger l
    WHERE l.tenant_id = :tenant AND l.created_at >= :from AND l.created_at < :to
)
SELECT day, model, unit_price,
       GROUPING(day, model, unit_price) <> 0 AS is_total,
       count(*) AS calls,
       count(*) FILTER (WHERE cost_usd > 0) AS billed_calls,
       coalesce(sum(images) FILTER (WHERE cost_usd > 0), 0) AS images,
       coalesce(sum(cost_usd), 0) AS cost_usd
FROM calls
GROUP BY GROUPING SETS ((day, model, unit_price), ())
ORDER BY is_total, day, model, unit_price
