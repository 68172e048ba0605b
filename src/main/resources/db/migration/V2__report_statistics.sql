-- The usage report groups the ledger by tenant, model, key and UTC day. PostgreSQL cannot guess how many distinct UTC
-- days an expression on created_at has, so without these statistics it plans one group per ledger row: one process,
-- hash tables sized to spill to disk. With them it knows the real number of groups and aggregates in parallel
-- workers (bench/REPORTS.md has both plans). Expression statistics need PostgreSQL 14 or later.
CREATE STATISTICS call_ledger_report_dims (ndistinct)
    ON tenant_id, model_id, key_id, ((created_at AT TIME ZONE 'UTC')::date)
    FROM call_ledger;
