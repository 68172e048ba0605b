package com.example.gateway.upstream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The scheduling rule on its own: slots one after another, as the grant hands them out when they come free. */
class FairShareTest {

    @Test
    void twoSaturatingTenantsWithShares3And1GetSlotsInThatRatio() {
        Map<String, Integer> granted = grantOneByOne(Map.of("a", 3, "b", 1), Map.of("a", 1000, "b", 1000), 400);

        assertThat(granted.get("a")).isEqualTo(300);
        assertThat(granted.get("b")).isEqualTo(100);
    }

    @Test
    void aTenantThatStartsWaitingIsServedNextHoweverLongTheBacklogOfAnother() {
        List<FairShare.Tenant> tenants = new ArrayList<>();
        tenants.add(tenant("a", 1, 0, 100));
        FairShare.Plan busy = FairShare.plan(0, tenants, 50);

        List<UUID> b = calls(2);
        FairShare.Plan next = FairShare.plan(busy.virtualTime(),
                List.of(tenant("a", 1, busy.finishTags().get("a"), 50), new FairShare.Tenant("b", 1, 0, b)), 2);

        assertThat(next.grants()).contains(b.getFirst());
        assertThat(next.grants()).containsAnyElementsOf(b).hasSize(2);
    }

    @Test
    void aTenantBanksNoCreditWhileItIsIdle() {
        FairShare.Plan alone = FairShare.plan(0, List.of(tenant("a", 1, 0, 100)), 100);

        // b was idle all that time: it starts at the virtual time, level with a, not 100 slots ahead of it.
        FairShare.Plan both = FairShare.plan(alone.virtualTime(),
                List.of(tenant("a", 1, alone.finishTags().get("a"), 10), tenant("b", 1, 0, 10)), 10);

        assertThat(both.finishTags().get("a")).isCloseTo(both.finishTags().get("b"), within(1.0));
    }

    @Test
    void grantsNoMoreThanTheFreeSlotsAndNoCallTwice() {
        List<UUID> a = calls(3);
        FairShare.Plan plan = FairShare.plan(0, List.of(new FairShare.Tenant("a", 1, 0, a), tenant("b", 2, 0, 1)), 10);

        assertThat(plan.grants()).hasSize(4).doesNotHaveDuplicates().containsAll(a);
    }

    /** Each round one slot comes free and is granted; every tenant always has calls waiting. */
    private static Map<String, Integer> grantOneByOne(Map<String, Integer> shares, Map<String, Integer> backlog,
            int slots) {
        Map<String, Double> tags = new HashMap<>();
        Map<String, Integer> granted = new HashMap<>();
        double virtualTime = 0;
        for (int i = 0; i < slots; i++) {
            List<FairShare.Tenant> tenants = shares.keySet().stream().sorted()
                .map(id -> tenant(id, shares.get(id), tags.getOrDefault(id, 0.0),
                        backlog.get(id) - granted.getOrDefault(id, 0)))
                .toList();
            FairShare.Plan plan = FairShare.plan(virtualTime, tenants, 1);
            virtualTime = plan.virtualTime();
            tags.putAll(plan.finishTags());
            plan.finishTags().keySet().forEach(id -> granted.merge(id, 1, Integer::sum));
        }
        return granted;
    }

    private static FairShare.Tenant tenant(String id, int share, double finishTag, int waiting) {
        return new FairShare.Tenant(id, share, finishTag, calls(waiting));
    }

    private static List<UUID> calls(int count) {
        return IntStream.range(0, count).mapToObj(i -> UUID.randomUUID()).toList();
    }
}
