-- Budget alerts: a tenant may name a webhook and the percentages of its monthly budget at which to be told.
ALTER TABLE tenant ADD COLUMN alert_webhook_url VARCHAR(2000);
ALTER TABLE tenant ADD COLUMN alert_thresholds INTEGER[] NOT NULL DEFAULT '{80,100}';

-- One row per tenant, month and threshold crossed: the primary key makes each alert happen once, whichever replica's
-- settlement crossed it. Delivery state lives here too, so any replica can (re)try a delivery.
CREATE TABLE budget_alert (
    tenant_id         VARCHAR(64)    NOT NULL REFERENCES tenant (id),
    month             DATE           NOT NULL,
    threshold_percent INTEGER        NOT NULL,
    spent_usd         NUMERIC(18, 8) NOT NULL,
    budget_usd        NUMERIC(18, 8) NOT NULL,
    created_at        TIMESTAMPTZ    NOT NULL,
    attempts          INTEGER        NOT NULL DEFAULT 0,
    next_attempt_at   TIMESTAMPTZ    NOT NULL,
    delivered_at      TIMESTAMPTZ,
    failed_at         TIMESTAMPTZ,
    last_error        VARCHAR(300),
    PRIMARY KEY (tenant_id, month, threshold_percent)
);
CREATE INDEX budget_alert_due ON budget_alert (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;
