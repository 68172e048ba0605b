package com.example.gateway.ledger;

/** The settlement can never be written; its call is not charged (the sweeper records it as abandoned). */
public class SettlementFailed extends RuntimeException {

    SettlementFailed(String reason) {
        super("The settlement could not be written: " + reason, null, false, false);
    }
}
