package com.example.gateway.upstream;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The account's slots as {@code GET /admin/upstream} shows them, across all replicas.
 * @param maxInFlight the configured cap, {@code null} when there is none (calls then never wait)
 * @param effectiveCap the cap in force: lower than the configured one while ModelsLab's own 429s say so
 * @param slotsInUse calls holding a slot: sent to ModelsLab, or about to be
 * @param maxQueueWaitSeconds how long a call waits for a slot before it is refused
 * @param tenants the tenants with calls waiting or holding slots
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record UpstreamView(Integer maxInFlight, Integer effectiveCap, int slotsInUse, double maxQueueWaitSeconds,
        List<TenantQueue> tenants) {

    /** Calls waiting for a slot, all tenants together. */
    public int waiting() {
        return tenants.stream().mapToInt(TenantQueue::waiting).sum();
    }

    public record TenantQueue(String tenant, int waiting, int slotsInUse) {
    }
}
