-- A tenant and its current limits, with what its calls in flight hold of the given month's budget.
-- Read by the gateway (package report). Parameters: tenant; month, the first day of the month.
-- Limits are the tenant's settings now: the gateway keeps no history of them.
SELECT t.id, t.name, t.monthly_budget_usd, t.daily_request_limit, t.requests_per_minute, t.max_concurrent,
       (SELECT coalesce(sum(r.amount_usd), 0) FROM reservation r
        WHERE r.tenant_id = t.id AND r.month = :month) AS reserved_usd
FROM tenant t
WHERE t.id = :tenant
