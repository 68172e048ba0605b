-- Seals one UTC day of the ledger into call_ledger_daily (see V16): its calls summed per tenant, key, model, cost
-- centre, project and tags. Run by report.LedgerRollup with the seal's row locked. Parameters: day; from and to, the
-- day's half-open range of created_at.
INSERT INTO call_ledger_daily (day, tenant_id, key_id, model_id, cost_centre_id, project, tags, calls, billed_calls,
                               failed_calls, images, cost_usd)
SELECT :day, l.tenant_id, l.key_id, l.model_id, l.cost_centre_id, l.project, l.tags,
       count(*),
       count(*) FILTER (WHERE l.cost_usd > 0),
       count(*) FILTER (WHERE l.outcome NOT IN ('success', 'processing')),
       coalesce(sum(l.images) FILTER (WHERE l.cost_usd > 0), 0),
       coalesce(sum(l.cost_usd), 0)
FROM call_ledger l
WHERE l.created_at >= :from AND l.created_at < :to
GROUP BY l.tenant_id, l.key_id, l.model_id, l.cost_centre_id, l.project, l.tags
