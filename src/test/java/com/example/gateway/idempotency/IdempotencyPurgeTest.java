package com.example.gateway.idempotency;

import java.util.UUID;

import com.example.gateway.quota.QuotaProperties;
import com.example.gateway.support.GatewayIntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An open Idempotency-Key claim whose reservation is gone (a PostgreSQL crash lost it while the call was in flight) is
 * kept while the call's settlement can still arrive, so a retry is not forwarded and charged twice; only after
 * {@code gateway.quota.sweep-after}, when no replica can still be settling it, is the key given up.
 */
class IdempotencyPurgeTest extends GatewayIntegrationTest {

    @Autowired
    IdempotencyStore store;

    @Autowired
    QuotaProperties quota;

    @Test
    void anOpenClaimWithoutItsReservationIsKeptUntilNoSettlementCanArrive() {
        TestTenant tenant = newTenant().create();
        UUID first = UUID.randomUUID();
        byte[] hash = new byte[32];
        assertThat(store.claim(tenant.id(), "crash-key", hash, first)).isEmpty();
        // Two minutes later: the old rule purged an open claim one minute after its reservation disappeared.
        ageClaim(tenant, "2 minutes");

        store.purge();

        assertThat(claims(tenant)).as("a settlement may still arrive").isEqualTo(1);
        assertThat(quota.sweepAfter()).isGreaterThan(java.time.Duration.ofMinutes(2));
        ageClaim(tenant, quota.sweepAfter().toSeconds() + 60 + " seconds");

        store.purge();

        assertThat(claims(tenant)).isZero();
        assertThat(store.claim(tenant.id(), "crash-key", hash, UUID.randomUUID())).as("the client may retry").isEmpty();
    }

    private void ageClaim(TestTenant tenant, String interval) {
        jdbc.sql("UPDATE idempotency_record SET created_at = now() - CAST(? AS interval) WHERE tenant_id = ?")
            .params(interval, tenant.id()).update();
    }

    private long claims(TestTenant tenant) {
        return jdbc.sql("SELECT count(*) FROM idempotency_record WHERE tenant_id = ?").param(tenant.id())
            .query(Long.class).single();
    }
}
