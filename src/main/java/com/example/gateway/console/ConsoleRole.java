package com.example.gateway.console;

import java.util.Locale;
import java.util.Optional;

/** Who signed in to the console; stronger roles come first. */
enum ConsoleRole {

    /** Everything: tenants, keys, prices, every report. */
    ADMIN,
    /** Read-only money: usage, statements, calls, prices, reconciliation. */
    FINANCE,
    /** One tenant's own usage, calls and keys. */
    TENANT;

    String authority() {
        return "ROLE_" + name();
    }

    static Optional<ConsoleRole> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.strip().toUpperCase(Locale.ROOT)));
        }
        catch (IllegalArgumentException ex) {
            return Optional.empty();
        }
    }
}
