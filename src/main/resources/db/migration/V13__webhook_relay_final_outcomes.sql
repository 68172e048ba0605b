-- Queued generations end to end: the gateway relays ModelsLab's webhook to the tenant, signed and retried, records
-- each queued call's final outcome, and credits a charged call whose generation failed.
--
-- Calls are named by request_id without a foreign key: call_ledger is partitioned (its key includes created_at), and
-- a relay token must exist before the call is forwarded, long before its ledger row.

-- Hosts a tenant's generation webhooks may point at (exact names, or "*.example.org" for subdomains); NULL: any host
-- the outbound rules allow.
ALTER TABLE tenant ADD COLUMN webhook_allowed_hosts VARCHAR(253)[];

-- Signing secrets for relayed webhooks, sealed (AES-GCM under a key derived from the key HMAC secret, which is not in
-- the database). A rotated secret keeps signing beside its successor until retired_at + 24 h.
CREATE TABLE tenant_webhook_secret (
    id            UUID        PRIMARY KEY,
    tenant_id     VARCHAR(64) NOT NULL REFERENCES tenant (id),
    sealed_secret BYTEA       NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    retired_at    TIMESTAMPTZ
);
CREATE INDEX tenant_webhook_secret_tenant ON tenant_webhook_secret (tenant_id, created_at DESC);

-- One per call that came with a webhook, written before the call is forwarded, so that a callback arriving before the
-- call's settlement finds it. Only the token's SHA-256 is kept: the token is the credential of the callback route.
CREATE TABLE webhook_relay (
    token_sha256 BYTEA         PRIMARY KEY,
    request_id   UUID          NOT NULL UNIQUE,
    tenant_id    VARCHAR(64)   NOT NULL REFERENCES tenant (id),
    target_url   VARCHAR(2000) NOT NULL,
    track_id     VARCHAR(1000),
    created_at   TIMESTAMPTZ   NOT NULL
);

-- A queued call's final outcome, from the first of ModelsLab's webhook or a fetch that saw it finished. Append-only,
-- like ledger_adjustment: the call's own row keeps the outcome it was settled with.
CREATE TABLE generation_final_outcome (
    request_id  UUID        PRIMARY KEY,
    tenant_id   VARCHAR(64) NOT NULL REFERENCES tenant (id),
    outcome     VARCHAR(16) NOT NULL CHECK (outcome IN ('success', 'failed')),
    source      VARCHAR(16) NOT NULL CHECK (source IN ('webhook', 'fetch')),
    upstream_id VARCHAR(64),
    outputs     INTEGER     NOT NULL CHECK (outputs >= 0),
    recorded_at TIMESTAMPTZ NOT NULL
);
-- The credit job looks for recent failures whose credit is still missing.
CREATE INDEX generation_final_outcome_failed ON generation_final_outcome (recorded_at) WHERE outcome = 'failed';

CREATE FUNCTION generation_final_outcome_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'generation_final_outcome is append-only';
END;
$$;
CREATE TRIGGER generation_final_outcome_append_only BEFORE UPDATE OR DELETE ON generation_final_outcome
    FOR EACH ROW EXECUTE FUNCTION generation_final_outcome_append_only();

-- The relayed callback, one per call (a repeated callback is recognised by callback_sha256 and dropped), stored before
-- ModelsLab is answered and delivered at least once by whichever replica claims it.
CREATE TABLE webhook_delivery (
    id               UUID          PRIMARY KEY,
    request_id       UUID          NOT NULL UNIQUE,
    tenant_id        VARCHAR(64)   NOT NULL REFERENCES tenant (id),
    target_url       VARCHAR(2000) NOT NULL,
    payload          BYTEA         NOT NULL,
    callback_sha256  BYTEA         NOT NULL,
    status           VARCHAR(16)   NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER       NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ   NOT NULL,
    give_up_at       TIMESTAMPTZ   NOT NULL,
    last_attempt_at  TIMESTAMPTZ,
    last_http_status INTEGER,
    last_error       VARCHAR(500),
    created_at       TIMESTAMPTZ   NOT NULL,
    delivered_at     TIMESTAMPTZ
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_delivery_tenant ON webhook_delivery (tenant_id, created_at DESC);
CREATE INDEX webhook_delivery_recent ON webhook_delivery (created_at DESC);
