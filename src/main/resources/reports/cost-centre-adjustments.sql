-- A cost centre's adjustments of a month, one line each, oldest first. Read by the gateway (package report).
-- Parameters: costCentre; month, its first day.
SELECT a.id, a.tenant_id, a.project, a.kind, a.reason, a.request_id, a.amount_usd, a.created_at
FROM ledger_adjustment a
WHERE a.cost_centre_id = :costCentre AND a.month = :month
ORDER BY a.created_at, a.id
