-- Finance bills the ledger by its outcomes, so every row must have one the gateway knows, and an outcome that is not
-- charged (CallOutcome.charged(): ModelsLab certainly did no work) must cost nothing. New outcomes need a migration
-- that widens the first check; ChargedOutcomesInTheLedgerTest fails until then.
-- NOT VALID: rows already written are not scanned (they were written by code that charged only charged outcomes), so
-- the ledger is locked for a moment, not for a scan of millions of rows while settlements wait. New rows are checked.
-- Old replicas write only outcomes listed here, and nothing on an uncharged one, so a rolling update is safe.
ALTER TABLE call_ledger
    ADD CONSTRAINT call_ledger_outcome_known CHECK (outcome IN ('success', 'processing', 'upstream_rejected',
        'upstream_error', 'upstream_timeout', 'upstream_rate_limited', 'upstream_unknown', 'abandoned')) NOT VALID,
    ADD CONSTRAINT call_ledger_uncharged_costs_nothing CHECK (cost_usd = 0
        OR outcome IN ('success', 'processing', 'upstream_timeout', 'upstream_unknown')) NOT VALID;
