-- Bill-back below and above the tenant: cost centres (a budget several tenants share), per-key limits, attribution of a
-- call to a project and tags, and adjustments (credits and debits) as ledger entries of their own.
--
-- Rolling update: replicas of the previous version neither check nor count the new levels; a call they admit during
-- the rollout is missing from its key's and cost centre's counters (never from the ledger, which reports read).
-- Nothing had a cost centre or a key limit before this version, so nothing they admit overshoots one.

CREATE TABLE cost_centre (
    id                 VARCHAR(64)    PRIMARY KEY,
    name               VARCHAR(200)   NOT NULL,
    monthly_budget_usd NUMERIC(18, 8) CHECK (monthly_budget_usd >= 0),
    created_at         TIMESTAMPTZ    NOT NULL,
    updated_at         TIMESTAMPTZ    NOT NULL
);

-- The cost centre's counters, checked and reserved in the same admission statement as its tenant's, and rolled over
-- lazily like quota_state. Admission locks rows in one order everywhere: key, then tenant, then cost centre.
CREATE TABLE cost_centre_quota_state (
    cost_centre_id  VARCHAR(64)    PRIMARY KEY REFERENCES cost_centre (id),
    month           DATE           NOT NULL,
    month_spent_usd NUMERIC(18, 8) NOT NULL DEFAULT 0,
    reserved_usd    NUMERIC(18, 8) NOT NULL DEFAULT 0
);

ALTER TABLE tenant ADD COLUMN cost_centre_id VARCHAR(64) REFERENCES cost_centre (id);
CREATE INDEX tenant_cost_centre ON tenant (cost_centre_id) WHERE cost_centre_id IS NOT NULL;

ALTER TABLE api_key
    ADD COLUMN monthly_budget_usd  NUMERIC(18, 8) CHECK (monthly_budget_usd >= 0),
    ADD COLUMN requests_per_minute INTEGER        CHECK (requests_per_minute >= 0);

-- One row per key, kept for every key (so a limit set mid-month starts from the month's true spending).
CREATE TABLE key_quota_state (
    key_id          UUID           PRIMARY KEY REFERENCES api_key (id),
    month           DATE           NOT NULL,
    month_spent_usd NUMERIC(18, 8) NOT NULL DEFAULT 0,
    reserved_usd    NUMERIC(18, 8) NOT NULL DEFAULT 0,
    minute          TIMESTAMPTZ    NOT NULL,
    minute_calls    INTEGER        NOT NULL DEFAULT 0
);
INSERT INTO key_quota_state (key_id, month, month_spent_usd, minute)
SELECT k.id, date_trunc('month', now() AT TIME ZONE 'UTC')::date,
       coalesce((SELECT sum(l.cost_usd) FROM call_ledger l
                 WHERE l.key_id = k.id AND l.created_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'), 0),
       date_trunc('minute', now())
FROM api_key k;

-- Who pays for a call is decided when it is admitted: the tenant's cost centre at that moment, and the project and tags
-- the client sent (X-Gateway-Project, X-Gateway-Tags) with ModelsLab's own track_id. They travel from the reservation to
-- the ledger row. NULL for rows written before this version.
ALTER TABLE reservation
    ADD COLUMN cost_centre_id VARCHAR(64),
    ADD COLUMN project        VARCHAR(64),
    ADD COLUMN tags           JSONB,
    ADD COLUMN track_id       VARCHAR(255);
ALTER TABLE call_ledger
    ADD COLUMN cost_centre_id VARCHAR(64),
    ADD COLUMN project        VARCHAR(64),
    ADD COLUMN tags           JSONB,
    ADD COLUMN track_id       VARCHAR(255);

-- Credits (negative) and debits (positive) of a tenant's spending for a month: append-only, never an edit of a call's
-- row. A credit for a failed generation names its call, and a call is credited at most once.
CREATE TABLE ledger_adjustment (
    id             UUID           PRIMARY KEY,
    tenant_id      VARCHAR(64)    NOT NULL REFERENCES tenant (id),
    cost_centre_id VARCHAR(64),
    project        VARCHAR(64),
    month          DATE           NOT NULL CHECK (extract(day FROM month) = 1),
    amount_usd     NUMERIC(18, 8) NOT NULL CHECK (amount_usd <> 0),
    reason         VARCHAR(500)   NOT NULL,
    kind           VARCHAR(32)    NOT NULL CHECK (kind IN ('manual', 'failed_generation_credit')),
    request_id     UUID,
    created_at     TIMESTAMPTZ    NOT NULL,
    CONSTRAINT ledger_adjustment_credit_names_call CHECK ((kind = 'failed_generation_credit') = (request_id IS NOT NULL))
);
CREATE INDEX ledger_adjustment_month ON ledger_adjustment (month, tenant_id);
CREATE UNIQUE INDEX ledger_adjustment_credited_once ON ledger_adjustment (request_id)
    WHERE kind = 'failed_generation_credit';
