/**
 * The call ledger, read side, for the gateway path: which tenant produced a generation. Reports live in
 * {@code report}.
 */
package com.example.gateway.ledger;
