package com.example.gateway.modelslab;

import java.math.BigDecimal;

/** What ModelsLab's wallet endpoint said about the account's balance. */
public sealed interface WalletBalance {

    /** The account holds {@code usd} US dollars. */
    record Known(BigDecimal usd) implements WalletBalance {
    }

    /**
     * No usable answer: ModelsLab could not be reached, failed, or answered something that is not a USD balance.
     * @param reason for the record and the log; never holds the shared key or anything else key-like
     */
    record Unknown(String reason) implements WalletBalance {
    }
}
