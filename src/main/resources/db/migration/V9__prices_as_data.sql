-- Prices become data: per model, a tenant price per image (times samples) or per call, and the cost ModelsLab is expected
-- to charge for the same call, each valid from effective_from until the model's next price. History is immutable: the
-- admin API only adds prices from now on and deletes prices not yet in effect, so any ledger row can be explained by the
-- price it names.
CREATE TABLE price (
    id                       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    model_id                 VARCHAR(128)   NOT NULL,
    usd_per_image            NUMERIC(18, 8),
    usd_per_call             NUMERIC(18, 8),
    modelslab_usd_per_image  NUMERIC(18, 8),
    modelslab_usd_per_call   NUMERIC(18, 8),
    effective_from           TIMESTAMPTZ    NOT NULL,
    created_at               TIMESTAMPTZ    NOT NULL,
    CONSTRAINT price_one_kind CHECK ((usd_per_image IS NULL) <> (usd_per_call IS NULL)),
    CONSTRAINT price_modelslab_same_kind CHECK ((modelslab_usd_per_image IS NULL OR usd_per_image IS NOT NULL)
        AND (modelslab_usd_per_call IS NULL OR usd_per_call IS NOT NULL)),
    CONSTRAINT price_not_negative CHECK (coalesce(usd_per_image, usd_per_call) >= 0
        AND coalesce(modelslab_usd_per_image, modelslab_usd_per_call, 0) >= 0),
    -- Two prices of one model from the same instant would make the price of a call a matter of chance.
    CONSTRAINT price_model_from UNIQUE (model_id, effective_from)
);

-- The price a call was admitted at travels from its reservation to its ledger row. Nullable: rows written before this
-- migration, and by replicas of the previous version during a rolling update, have none.
ALTER TABLE reservation
    ADD COLUMN price_id               BIGINT,
    ADD COLUMN unit_price_usd         NUMERIC(18, 8),
    ADD COLUMN expected_modelslab_usd NUMERIC(18, 8);
ALTER TABLE call_ledger
    ADD COLUMN price_id               BIGINT,
    ADD COLUMN unit_price_usd         NUMERIC(18, 8),
    ADD COLUMN expected_modelslab_usd NUMERIC(18, 8);
