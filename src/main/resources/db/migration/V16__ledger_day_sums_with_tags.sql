-- The sealed days' sums keep the calls' tags too, so a usage report grouped by a tag reads sums instead of the month's
-- calls (V12's call_ledger_day kept none: 4.3 s for groupBy=tag:team on a month of 10 M calls, bench/REPORTS.md).
-- The tags are one more grouping column, as the client sent them: a day has a row per tenant, key, model, cost centre,
-- project and set of tags, so clients that send a distinct tag value on every call make the sums as many as the calls
-- (still exact, only no faster).
--
-- New tables rather than a new column: replicas of the previous version, still sealing into call_ledger_day during a
-- rollout, cannot mix rows without tags into these. This version seals every day again from the ledger's first call on,
-- a day per transaction (report.LedgerRollup); until it has caught up, reports read the ledger for the days not yet
-- summed here: exact, only slower. call_ledger_day and call_ledger_rollup are no longer read or written by this
-- version; a later migration drops them.
CREATE TABLE call_ledger_daily (
    day            DATE           NOT NULL,
    tenant_id      VARCHAR(64)    NOT NULL,
    key_id         UUID           NOT NULL,
    model_id       VARCHAR(128)   NOT NULL,
    cost_centre_id VARCHAR(64),
    project        VARCHAR(64),
    tags           JSONB,
    calls          BIGINT         NOT NULL,
    billed_calls   BIGINT         NOT NULL,
    failed_calls   BIGINT         NOT NULL,
    images         BIGINT         NOT NULL,
    cost_usd       NUMERIC        NOT NULL
);
CREATE INDEX call_ledger_daily_day ON call_ledger_daily (day);

-- sealed_until: the first day not in call_ledger_daily; NULL until the first day is sealed.
CREATE TABLE call_ledger_daily_seal (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    sealed_until DATE,
    sealed_at    TIMESTAMPTZ
);
INSERT INTO call_ledger_daily_seal (id) VALUES (1);
