package com.example.gateway.ledger;

import java.util.concurrent.CompletableFuture;

import com.example.gateway.quota.Admission;
import com.example.gateway.quota.Balance;
import com.example.gateway.quota.Reservation;
import com.example.gateway.quota.Settlement;

/** A settlement waiting for the group commit, and where its outcome goes. */
record Pending(Reservation reservation, Settlement settlement, CompletableFuture<Balance> result) {

    Admission admission() {
        return reservation.admission();
    }
}
