package com.example.gateway.ledger;

/**
 * The settlement is queued but not yet durable (the database is unavailable): it is written as soon as the database
 * allows, so the call is charged; only its balance is not known yet.
 */
public class SettlementPending extends RuntimeException {

    SettlementPending() {
        super("The settlement is queued and not yet durable", null, false, false);
    }
}
