/**
 * The call ledger's monthly partitions: created ahead of time by every replica, idempotently, so the ledger never
 * writes a month's calls into the default partition.
 */
package com.example.gateway.partition;
