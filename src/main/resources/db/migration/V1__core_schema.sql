-- Core schema of the gateway. Money is NUMERIC (never floating point); every timestamp is timestamptz in UTC.

CREATE TABLE tenant (
    id                  VARCHAR(64)    PRIMARY KEY,
    name                VARCHAR(200)   NOT NULL,
    monthly_budget_usd  NUMERIC(18, 8) CHECK (monthly_budget_usd >= 0),
    daily_request_limit INTEGER        CHECK (daily_request_limit >= 0),
    requests_per_minute INTEGER        CHECK (requests_per_minute >= 0),
    max_concurrent      INTEGER        CHECK (max_concurrent >= 0),
    suspended           BOOLEAN        NOT NULL DEFAULT FALSE,
    created_at          TIMESTAMPTZ    NOT NULL,
    updated_at          TIMESTAMPTZ    NOT NULL
);

-- Tenant keys are high-entropy random secrets, so a keyed HMAC-SHA-256 of the key is stored, never the key.
CREATE TABLE api_key (
    id         UUID         PRIMARY KEY,
    tenant_id  VARCHAR(64)  NOT NULL REFERENCES tenant (id),
    name       VARCHAR(200) NOT NULL,
    prefix     VARCHAR(16)  NOT NULL,
    key_hash   BYTEA        NOT NULL UNIQUE,
    created_at TIMESTAMPTZ  NOT NULL,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX api_key_tenant ON api_key (tenant_id);

-- One row per tenant: the counters that admission checks and reserves in one conditional UPDATE.
-- Windows (month, day, minute) roll over lazily: a counter whose window is not the current one counts as zero.
CREATE TABLE quota_state (
    tenant_id       VARCHAR(64)    PRIMARY KEY REFERENCES tenant (id),
    month           DATE           NOT NULL,
    month_spent_usd NUMERIC(18, 8) NOT NULL DEFAULT 0,
    reserved_usd    NUMERIC(18, 8) NOT NULL DEFAULT 0,
    in_flight       INTEGER        NOT NULL DEFAULT 0,
    day             DATE           NOT NULL,
    day_calls       INTEGER        NOT NULL DEFAULT 0,
    minute          TIMESTAMPTZ    NOT NULL,
    minute_calls    INTEGER        NOT NULL DEFAULT 0
);

-- A call admitted and not yet settled. Settlement deletes it; the sweeper releases those a crashed replica left behind.
CREATE TABLE reservation (
    request_id      UUID           PRIMARY KEY,
    tenant_id       VARCHAR(64)    NOT NULL REFERENCES tenant (id),
    key_id          UUID           NOT NULL REFERENCES api_key (id),
    model_id        VARCHAR(128)   NOT NULL,
    endpoint        VARCHAR(32)    NOT NULL,
    images          INTEGER        NOT NULL,
    amount_usd      NUMERIC(18, 8) NOT NULL,
    month           DATE           NOT NULL,
    idempotency_key VARCHAR(255),
    prompt_sha256   BYTEA,
    created_at      TIMESTAMPTZ    NOT NULL
);
CREATE INDEX reservation_created ON reservation (created_at);

-- The ledger: exactly one row per admitted call, written in the transaction that settles it.
CREATE TABLE call_ledger (
    request_id          UUID           PRIMARY KEY,
    tenant_id           VARCHAR(64)    NOT NULL REFERENCES tenant (id),
    key_id              UUID           NOT NULL REFERENCES api_key (id),
    model_id            VARCHAR(128)   NOT NULL,
    endpoint            VARCHAR(32)    NOT NULL,
    idempotency_key     VARCHAR(255),
    upstream_id         VARCHAR(64),
    outcome             VARCHAR(32)    NOT NULL,
    upstream_status     INTEGER,
    http_status         INTEGER,
    images              INTEGER        NOT NULL,
    cost_usd            NUMERIC(18, 8) NOT NULL,
    upstream_latency_ms INTEGER,
    prompt_sha256       BYTEA,
    created_at          TIMESTAMPTZ    NOT NULL,
    settled_at          TIMESTAMPTZ    NOT NULL
);
CREATE INDEX call_ledger_tenant_created ON call_ledger (tenant_id, created_at DESC, request_id DESC);
CREATE INDEX call_ledger_created ON call_ledger (created_at DESC, request_id DESC);
CREATE INDEX call_ledger_upstream_id ON call_ledger (upstream_id) WHERE upstream_id IS NOT NULL;

-- Idempotency-Key records, scoped per tenant; the first answer is kept for replay.
CREATE TABLE idempotency_record (
    tenant_id      VARCHAR(64)  NOT NULL REFERENCES tenant (id),
    idem_key       VARCHAR(255) NOT NULL,
    request_hash   BYTEA        NOT NULL,
    request_id     UUID         NOT NULL,
    http_status    INTEGER,
    response_body  BYTEA,
    created_at     TIMESTAMPTZ  NOT NULL,
    completed_at   TIMESTAMPTZ,
    PRIMARY KEY (tenant_id, idem_key)
);
CREATE INDEX idempotency_record_created ON idempotency_record (created_at);
