-- A tenant and its current limits, with what its calls in flight hold of the given month's budget and the month's
-- adjustments. Read by the gateway (package report). Parameters: tenant; month, the first day of the month.
-- Limits are the tenant's settings now: the gateway keeps no history of them.
SELECT t.id, t.name, t.monthly_budget_usd, t.daily_request_limit, t.requests_per_minute, t.max_concurrent,
       (SELECT coalesce(sum(r.amount_usd), 0) FROM reservation r
        WHERE r.tenant_id = t.id AND r.month = :month) AS reserved_usd,
       (SELECT coalesce(sum(a.amount_usd), 0) FROM ledger_adjustment a
        WHERE a.tenant_id = t.id AND a.month = :month) AS adjustments_usd
FROM tenant t
WHERE t.id = :tenant
