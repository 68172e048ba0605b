/**
 * The call ledger, read side: which tenant produced a generation, and the usage reports finance bills from.
 */
package com.example.gateway.ledger;
