-- ModelsLab's own account balance, snapshotted by one replica at a time (reconciliation.WalletSnapshots), and the
-- top-ups admins record, so finance can compare what ModelsLab took with what the ledger charged. New tables only:
-- old replicas never read them, so a rolling update is safe.

-- balance_usd is NULL for a gap: the wallet call failed or its answer was unusable; failure says why (never a key).
-- in_flight is how many calls held a reservation at that moment: calls ModelsLab may have been paid for whose ledger
-- row is still to come, which explain a drift at the edges of an interval.
CREATE TABLE modelslab_wallet_snapshot (
    id          BIGSERIAL      PRIMARY KEY,
    taken_at    TIMESTAMPTZ    NOT NULL,
    balance_usd NUMERIC(18, 8),
    failure     VARCHAR(200),
    in_flight   INTEGER        NOT NULL,
    CONSTRAINT modelslab_wallet_snapshot_gap_has_reason CHECK ((balance_usd IS NULL) = (failure IS NOT NULL))
);
CREATE INDEX modelslab_wallet_snapshot_taken ON modelslab_wallet_snapshot (taken_at);

CREATE TABLE modelslab_top_up (
    id          BIGSERIAL      PRIMARY KEY,
    amount_usd  NUMERIC(18, 8) NOT NULL CHECK (amount_usd > 0),
    at          TIMESTAMPTZ    NOT NULL,
    note        VARCHAR(500),
    recorded_at TIMESTAMPTZ    NOT NULL
);
CREATE INDEX modelslab_top_up_at ON modelslab_top_up (at);
