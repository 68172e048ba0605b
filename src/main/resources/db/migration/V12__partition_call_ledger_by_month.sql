-- The ledger becomes a table partitioned by month (RANGE on created_at, UTC months), so reports of a month read that
-- month's partition only and old months can be detached or archived whole. Nothing is copied: the existing table
-- becomes the first partition, holding every month up to its bound, and new months get partitions of their own
-- (ledger.LedgerPartitions creates them ahead; call_ledger_default catches a row for any month without one, say from a
-- clock far off, so no call is ever refused for its date).
--
-- Outside a transaction (V12__...sql.conf), so that the slow parts do not block writes:
--   1. A CHECK that bounds created_at is added NOT VALID (an ACCESS EXCLUSIVE lock for a moment, no scan) and then
--      validated together with V7's two checks (a scan under SHARE UPDATE EXCLUSIVE: calls keep being written). These
--      validated checks are what lets ATTACH skip its own scan, and what a partitioned table needs of its partitions.
--   2. The new primary key's index (request_id, created_at) is built CONCURRENTLY (writes continue).
--   3. One short transaction swaps the tables: ACCESS EXCLUSIVE on the old table for milliseconds of catalogue
--      changes, after waiting for the statements running on it (settlements take milliseconds; a report at most its
--      statement_timeout, 30 s). Every index and foreign key of the old table is reused, none rebuilt or rechecked.
-- Measured on 10 M rows (3.7 GB) on a busy 2-core machine (bench/REPORTS.md): step 1 took 5.7 s + 4.5 s + 5.4 s and
-- step 2 22 s, with writes going on; step 3, the only one that blocks the ledger, 0.4 s. Step 2 alone is longer than the
-- main pool's socket timeout (GATEWAY_DB_SOCKET_TIMEOUT, 20 s), so raise it for this rollout on a large ledger. Every
-- step can run again after a failure (repair the failed Flyway entry first). Flyway's lock must not be transactional
-- (spring.flyway.postgresql.transactional-lock=false): CREATE INDEX CONCURRENTLY would wait for its transaction.
--
-- The primary key must contain the partition key, so it becomes (request_id, created_at); every writer of a call uses
-- its admission instant (the reservation's created_at), so a call still has exactly one row. Writers name the key by
-- its constraint (ON CONFLICT ON CONSTRAINT call_ledger_pkey), which both the old and the new table have, so a
-- gateway whose statements say so runs before and after this migration. A replica of a version that still says
-- ON CONFLICT (request_id) fails to record calls once this has run: release that statement change before this
-- migration, or stop old replicas before it runs.

-- 1. A bound above every row there is: the first day of next month, or of the month after the latest row.
DO $$
DECLARE
    bound TIMESTAMPTZ;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint
                   WHERE conrelid = 'call_ledger'::regclass AND conname = 'call_ledger_before_partitions') THEN
        SELECT (greatest(date_trunc('month', now() AT TIME ZONE 'UTC'),
                         date_trunc('month', max(created_at) AT TIME ZONE 'UTC')) + INTERVAL '1 month') AT TIME ZONE 'UTC'
        INTO bound FROM call_ledger;
        EXECUTE format('ALTER TABLE call_ledger ADD CONSTRAINT call_ledger_before_partitions CHECK (created_at < %L) NOT VALID',
                       bound);
    END IF;
END
$$;
ALTER TABLE call_ledger VALIDATE CONSTRAINT call_ledger_before_partitions;
ALTER TABLE call_ledger VALIDATE CONSTRAINT call_ledger_outcome_known;
ALTER TABLE call_ledger VALIDATE CONSTRAINT call_ledger_uncharged_costs_nothing;

-- 2.
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS call_ledger_legacy_pkey ON call_ledger (request_id, created_at);

-- 3. One statement, so one transaction.
DO $$
DECLARE
    bound TIMESTAMPTZ;
BEGIN
    SELECT substring(pg_get_constraintdef(oid) FROM '''([^'']+)''')::timestamptz INTO bound
    FROM pg_constraint WHERE conrelid = 'call_ledger'::regclass AND conname = 'call_ledger_before_partitions';

    ALTER TABLE call_ledger RENAME TO call_ledger_legacy;
    ALTER TABLE call_ledger_legacy DROP CONSTRAINT call_ledger_pkey,
        ADD CONSTRAINT call_ledger_legacy_pkey PRIMARY KEY USING INDEX call_ledger_legacy_pkey;
    ALTER INDEX call_ledger_tenant_created RENAME TO call_ledger_legacy_tenant_created;
    ALTER INDEX call_ledger_created RENAME TO call_ledger_legacy_created;
    ALTER INDEX call_ledger_upstream_id RENAME TO call_ledger_legacy_upstream_id;
    ALTER STATISTICS call_ledger_report_dims RENAME TO call_ledger_legacy_report_dims;

    -- The old table's columns, in their order, whatever migrations before this one added.
    CREATE TABLE call_ledger (
        LIKE call_ledger_legacy INCLUDING DEFAULTS INCLUDING STORAGE INCLUDING COMMENTS,
        CONSTRAINT call_ledger_pkey PRIMARY KEY (request_id, created_at),
        CONSTRAINT call_ledger_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenant (id),
        CONSTRAINT call_ledger_key_id_fkey FOREIGN KEY (key_id) REFERENCES api_key (id),
        CONSTRAINT call_ledger_outcome_known CHECK (outcome IN ('success', 'processing', 'upstream_rejected',
            'upstream_error', 'upstream_timeout', 'upstream_rate_limited', 'upstream_unknown', 'abandoned')),
        CONSTRAINT call_ledger_uncharged_costs_nothing CHECK (cost_usd = 0
            OR outcome IN ('success', 'processing', 'upstream_timeout', 'upstream_unknown'))
    ) PARTITION BY RANGE (created_at);
    CREATE INDEX call_ledger_tenant_created ON call_ledger (tenant_id, created_at DESC, request_id DESC);
    CREATE INDEX call_ledger_created ON call_ledger (created_at DESC, request_id DESC);
    CREATE INDEX call_ledger_upstream_id ON call_ledger (upstream_id) WHERE upstream_id IS NOT NULL;
    -- V2's statistics, for the planner's view of the whole table; each monthly partition gets its own too.
    CREATE STATISTICS call_ledger_report_dims (ndistinct)
        ON tenant_id, model_id, key_id, ((created_at AT TIME ZONE 'UTC')::date) FROM call_ledger;

    EXECUTE format('ALTER TABLE call_ledger ATTACH PARTITION call_ledger_legacy FOR VALUES FROM (MINVALUE) TO (%L)',
                   bound);
    CREATE TABLE call_ledger_default PARTITION OF call_ledger DEFAULT;

END
$$;

-- Creates the partition of the month holding `day`, unless the month has one (or lies in the first partition's range),
-- and answers whether it did. Calls of that month already in call_ledger_default (a clock far off wrote them early) move
-- into it in the same transaction, so no report ever sees them twice or not at all. Safe to call from any number of
-- replicas at once: they queue on an advisory lock and the later ones find the partition there. Locks: SHARE UPDATE
-- EXCLUSIVE on call_ledger (reads and writes go on) and ACCESS EXCLUSIVE on the default partition, which only calls
-- from an unexpected month use, while it is scanned; lock_timeout gives up rather than queue writers behind a long
-- report, and the job tries again at its next run.
CREATE FUNCTION create_call_ledger_partition(day DATE) RETURNS BOOLEAN
LANGUAGE plpgsql AS $$
DECLARE
    first_day   DATE := date_trunc('month', day)::date;
    name        TEXT := 'call_ledger_' || to_char(first_day, 'YYYY_MM');
    lower_bound TIMESTAMPTZ := first_day::timestamp AT TIME ZONE 'UTC';
    upper_bound TIMESTAMPTZ := (first_day + INTERVAL '1 month')::timestamp AT TIME ZONE 'UTC';
    first_partition_bound TIMESTAMPTZ;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('create_call_ledger_partition'));
    SELECT substring(pg_get_constraintdef(oid) FROM '''([^'']+)''')::timestamptz INTO first_partition_bound
    FROM pg_constraint
    WHERE conrelid = 'call_ledger_legacy'::regclass AND conname = 'call_ledger_before_partitions';
    IF to_regclass(name) IS NOT NULL OR lower_bound < first_partition_bound THEN
        RETURN false;
    END IF;
    SET LOCAL lock_timeout = '5s';
    LOCK TABLE call_ledger IN SHARE UPDATE EXCLUSIVE MODE;
    LOCK TABLE call_ledger_default IN ACCESS EXCLUSIVE MODE;
    -- A table of the parent's shape (indexes, checks, statistics), filled and then attached; the range CHECK lets
    -- ATTACH skip its scan of the new table.
    EXECUTE format('CREATE TABLE %I (LIKE call_ledger INCLUDING ALL, CHECK (created_at >= %L AND created_at < %L))',
                   name, lower_bound, upper_bound);
    EXECUTE format('WITH moved AS (DELETE FROM call_ledger_default WHERE created_at >= %L AND created_at < %L '
                   || 'RETURNING *) INSERT INTO %I SELECT * FROM moved', lower_bound, upper_bound, name);
    EXECUTE format('ALTER TABLE call_ledger ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                   name, lower_bound, upper_bound);
    RETURN true;
END
$$;

-- The months from the first partition's bound on, so the ledger is ready before the job's first run.
SELECT create_call_ledger_partition(((bound AT TIME ZONE 'UTC')::date + make_interval(months => m))::date)
FROM (SELECT substring(pg_get_constraintdef(oid) FROM '''([^'']+)''')::timestamptz AS bound
      FROM pg_constraint
      WHERE conrelid = 'call_ledger_legacy'::regclass AND conname = 'call_ledger_before_partitions') b
CROSS JOIN generate_series(0, 2) m;

-- The ledger's calls summed per UTC day, tenant, key, model, cost centre and project, for reports over many rows
-- (bench/REPORTS.md: a month of 10 M calls). Only days that can no longer change are summed ("sealed",
-- report.LedgerRollup): a report reads this table for days before sealed_until and the ledger itself from there on,
-- in one snapshot, so it is as exact as the ledger. Tags are not summed: a report grouped by a tag reads the ledger.
CREATE TABLE call_ledger_day (
    day            DATE           NOT NULL,
    tenant_id      VARCHAR(64)    NOT NULL,
    key_id         UUID           NOT NULL,
    model_id       VARCHAR(128)   NOT NULL,
    cost_centre_id VARCHAR(64),
    project        VARCHAR(64),
    calls          BIGINT         NOT NULL,
    billed_calls   BIGINT         NOT NULL,
    failed_calls   BIGINT         NOT NULL,
    images         BIGINT         NOT NULL,
    cost_usd       NUMERIC        NOT NULL
);
CREATE INDEX call_ledger_day_day ON call_ledger_day (day);

-- sealed_until: the first day not in call_ledger_day; NULL until the first day is sealed.
CREATE TABLE call_ledger_rollup (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    sealed_until DATE,
    sealed_at    TIMESTAMPTZ
);
INSERT INTO call_ledger_rollup (id) VALUES (1);
