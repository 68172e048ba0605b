-- A fair queue for the ModelsLab account's slots (gateway.upstream.max-in-flight), shared by every replica. An admitted
-- call waits here for a slot instead of being refused; the slots in use are the granted rows, so nothing can drift.

-- A tenant's weight in the account's slots: with shares 3 and 1, two saturating tenants get slots 3 to 1.
ALTER TABLE tenant ADD COLUMN upstream_share INTEGER NOT NULL DEFAULT 1 CHECK (upstream_share BETWEEN 1 AND 1000);

-- Each replica's heartbeat: the waiters and slots of a replica not seen for gateway.upstream.instance-timeout are
-- given back by the next replica that sweeps.
CREATE TABLE upstream_instance (
    instance_id VARCHAR(100) PRIMARY KEY,
    seen_at     TIMESTAMPTZ  NOT NULL
);

-- One row per call waiting for a slot (granted_at NULL) or holding one. No foreign keys: a row lives for one call, like
-- a reservation (see V5). priority 0 is interactive, 1 batch.
CREATE TABLE upstream_waiter (
    request_id  UUID         PRIMARY KEY,
    tenant_id   VARCHAR(64)  NOT NULL,
    priority    SMALLINT     NOT NULL,
    instance_id VARCHAR(100) NOT NULL,
    enqueued_at TIMESTAMPTZ  NOT NULL,
    deadline    TIMESTAMPTZ  NOT NULL,
    granted_at  TIMESTAMPTZ
);
CREATE INDEX upstream_waiter_waiting ON upstream_waiter (tenant_id, priority, enqueued_at) WHERE granted_at IS NULL;
CREATE INDEX upstream_waiter_instance ON upstream_waiter (instance_id);

-- Start-time fair queuing: each tenant's virtual finish tag, and the account's virtual time (the start tag of the last
-- grant) on the slot row. Only the grant writes them, under the slot row's lock.
CREATE TABLE upstream_tenant_tag (
    tenant_id  VARCHAR(64)      PRIMARY KEY,
    finish_tag DOUBLE PRECISION NOT NULL
);

-- lowered_cap: what ModelsLab's own 429s taught (NULL: the configured cap holds), since lowered_at.
-- upstream_slot.in_flight and reservation.holds_upstream_slot are no longer written: replicas of the previous version
-- still count their calls there during a rolling update, apart from the queue.
ALTER TABLE upstream_slot
    ADD COLUMN virtual_time DOUBLE PRECISION NOT NULL DEFAULT 0,
    ADD COLUMN lowered_cap  INTEGER CHECK (lowered_cap >= 1),
    ADD COLUMN lowered_at   TIMESTAMPTZ;
