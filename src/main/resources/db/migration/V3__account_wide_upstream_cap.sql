-- ModelsLab limits how many requests one account may have queued. When gateway.upstream.max-in-flight is set, every
-- admitted call also holds one of the account's slots, counted here and shared by all replicas.
CREATE TABLE upstream_slot (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    in_flight INTEGER NOT NULL DEFAULT 0
);
INSERT INTO upstream_slot (id, in_flight) VALUES (1, 0);

ALTER TABLE reservation ADD COLUMN holds_upstream_slot BOOLEAN NOT NULL DEFAULT FALSE;
