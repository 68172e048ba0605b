package com.example.gateway.upstream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Start-time fair queuing of free slots among tenants, by weight. Each tenant has a virtual finish tag; a slot goes to
 * the waiting tenant with the smallest start tag, {@code max(virtual time, its finish tag)}, whose finish tag then moves
 * on by {@code 1 / share}, and the virtual time becomes that start tag. So two saturating tenants with shares 3 and 1 get
 * slots 3 to 1, and a tenant that starts waiting starts at the virtual time: it is next, or nearly, however long
 * another tenant's backlog is, and it cannot bank credit while it is idle. Which of a tenant's calls gets its slot is
 * the tenant's own order (interactive before batch, then first come first served), given by the caller.
 */
final class FairShare {

    private FairShare() {
    }

    /**
     * A tenant with calls waiting.
     * @param waiting its waiting calls, in the order they are to be served
     */
    record Tenant(String id, int share, double finishTag, List<UUID> waiting) {
    }

    /** The slots to grant, in order, the tenants' finish tags afterwards, and the virtual time afterwards. */
    record Plan(List<UUID> grants, Map<String, Double> finishTags, double virtualTime) {
    }

    static Plan plan(double virtualTime, List<Tenant> tenants, int free) {
        List<UUID> grants = new ArrayList<>();
        Map<String, Double> finish = new HashMap<>();
        Map<String, Integer> served = new HashMap<>();
        double now = virtualTime;
        while (grants.size() < free) {
            Tenant next = null;
            double nextStart = Double.MAX_VALUE;
            for (Tenant tenant : tenants) {
                if (served.getOrDefault(tenant.id(), 0) >= tenant.waiting().size()) {
                    continue;
                }
                double start = Math.max(now, finish.getOrDefault(tenant.id(), tenant.finishTag()));
                // Ties go to the tenant listed first, so a caller that lists tenants in a stable order gets stable plans.
                if (start < nextStart) {
                    next = tenant;
                    nextStart = start;
                }
            }
            if (next == null) {
                break;
            }
            int index = served.merge(next.id(), 1, Integer::sum) - 1;
            grants.add(next.waiting().get(index));
            finish.put(next.id(), nextStart + 1.0 / Math.max(1, next.share()));
            now = nextStart;
        }
        return new Plan(grants, finish, now);
    }
}
