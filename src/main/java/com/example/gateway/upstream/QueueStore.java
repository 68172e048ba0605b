package com.example.gateway.upstream;

import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** The queue's rows in PostgreSQL; every method is one or a few statements for any number of calls. */
@Component
class QueueStore {

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final QueueSettings settings;

    QueueStore(JdbcClient jdbc, DataSource dataSource, QueueSettings settings) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.settings = settings;
    }

    void enqueue(List<Waiter> arrivals) {
        jdbc.sql(QueueStatements.ENQUEUE)
            .param("instance", settings.instanceId())
            .param("ids", arrivals.stream().map(w -> w.ticket().requestId()).toArray(UUID[]::new))
            .param("tenants", arrivals.stream().map(w -> w.ticket().tenantId()).toArray(String[]::new))
            .param("priorities", arrivals.stream().map(w -> w.ticket().priority().rank()).toArray(Short[]::new))
            .param("enqueued", arrivals.stream().map(w -> w.ticket().enqueuedAt().toEpochMilli()).toArray(Long[]::new))
            .param("waits", arrivals.stream().map(w -> w.remaining().toMillis() / 1000.0).toArray(Double[]::new))
            .update();
    }

    void release(Collection<UUID> requestIds) {
        jdbc.sql(QueueStatements.RELEASE).param("ids", requestIds.toArray(UUID[]::new)).update();
    }

    /** @return how many rows of dead replicas (or long expired) were given back */
    int heartbeatAndSweep() {
        jdbc.sql(QueueStatements.HEARTBEAT).param("instance", settings.instanceId()).update();
        return jdbc.sql(QueueStatements.SWEEP).param("timeout", seconds(settings.instanceTimeout())).update();
    }

    void leave() {
        jdbc.sql(QueueStatements.LEAVE).param("instance", settings.instanceId()).update();
    }

    /**
     * One grant: under the slot row's lock, learns from ModelsLab's 429s, then gives the free slots to the waiting calls
     * of every replica by {@link FairShare}, and notifies the other replicas of their calls' slots.
     * @param queueFull ModelsLab's queue-full answers since the last grant
     * @param succeeded calls that ModelsLab took since the last grant
     */
    Grant grant(int queueFull, int succeeded) {
        return transactions.execute(tx -> {
            Slot slot = jdbc.sql(QueueStatements.LOCK_SLOT)
                .param("recovery", seconds(settings.capRecovery()))
                .query((rs, n) -> new Slot(rs.getDouble("virtual_time"), (Integer) rs.getObject("lowered_cap"),
                        rs.getBoolean("may_recover")))
                .single();
            int inUse = jdbc.sql(QueueStatements.SLOTS_IN_USE).query(Integer.class).single();
            Integer lowered = slot.learn(settings.cap(), queueFull, succeeded, inUse);
            int cap = lowered == null ? settings.cap() : Math.min(settings.cap(), lowered);
            boolean learned = queueFull > 0 || !Objects.equals(lowered, slot.loweredCap());
            int free = cap - inUse;
            FairShare.Plan plan = free > 0 ? FairShare.plan(slot.virtualTime(), candidates(free), free)
                    : new FairShare.Plan(List.of(), Map.of(), slot.virtualTime());
            Map<UUID, String> granted = new HashMap<>();
            if (!plan.grants().isEmpty() || learned) {
                jdbc.sql(QueueStatements.GRANT)
                    .param("ids", plan.grants().toArray(UUID[]::new))
                    .param("tenants", plan.finishTags().keySet().toArray(String[]::new))
                    .param("tags", plan.finishTags().values().toArray(Double[]::new))
                    .param("virtualTime", plan.virtualTime())
                    .param("loweredCap", lowered, Types.INTEGER)
                    .param("learned", learned)
                    .param("instance", settings.instanceId())
                    .query((RowCallbackHandler) rs -> granted.put(rs.getObject("request_id", UUID.class),
                            rs.getString("instance_id")));
            }
            List<UUID> mine = granted.entrySet().stream()
                .filter(e -> e.getValue().equals(settings.instanceId()))
                .map(Map.Entry::getKey)
                .toList();
            return new Grant(mine, inUse + granted.size(), cap);
        });
    }

    private List<FairShare.Tenant> candidates(int free) {
        Map<String, FairShare.Tenant> tenants = new LinkedHashMap<>();
        jdbc.sql(QueueStatements.CANDIDATES).param("free", free).query((RowCallbackHandler) rs -> tenants
            .computeIfAbsent(rs.getString("tenant_id"), id -> {
                try {
                    return new FairShare.Tenant(id, rs.getInt("upstream_share"), rs.getDouble("finish_tag"),
                            new ArrayList<>());
                }
                catch (java.sql.SQLException ex) {
                    throw new IllegalStateException(ex);
                }
            })
            .waiting()
            .add(rs.getObject("request_id", UUID.class)));
        return List.copyOf(tenants.values());
    }

    /** @return of {@code requestIds}, those still in the queue, each with whether it holds a slot */
    Map<UUID, Boolean> states(Collection<UUID> requestIds) {
        Map<UUID, Boolean> states = new HashMap<>();
        jdbc.sql(QueueStatements.STATES)
            .param("ids", requestIds.toArray(UUID[]::new))
            .query((RowCallbackHandler) rs -> states.put(rs.getObject("request_id", UUID.class),
                    rs.getBoolean("granted")));
        return states;
    }

    /** @return the calls cancelled; the others of {@code requestIds} were granted a slot meanwhile, or are gone */
    Set<UUID> cancel(Collection<UUID> requestIds) {
        return new HashSet<>(jdbc.sql(QueueStatements.CANCEL)
            .param("ids", requestIds.toArray(UUID[]::new))
            .query(UUID.class)
            .list());
    }

    UpstreamView view() {
        Account account = account();
        List<UpstreamView.TenantQueue> tenants = jdbc.sql(QueueStatements.BY_TENANT)
            .query((rs, n) -> new UpstreamView.TenantQueue(rs.getString("tenant_id"), rs.getInt("waiting"),
                    rs.getInt("holding")))
            .list();
        return new UpstreamView(settings.cap(), account.effectiveCap(settings.cap()), account.inUse(),
                settings.maxQueueWait().toMillis() / 1000.0, tenants);
    }

    /** The account's slots in use and the cap ModelsLab's 429s taught, without taking the grant's lock. */
    Account account() {
        return jdbc.sql(QueueStatements.ACCOUNT)
            .query((rs, n) -> new Account(rs.getInt("in_use"), (Integer) rs.getObject("lowered_cap")))
            .single();
    }

    private static double seconds(java.time.Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    /** What a grant did for this replica, and the account's slots afterwards. */
    record Grant(List<UUID> mine, int slotsInUse, int effectiveCap) {
    }

    record Account(int inUse, Integer loweredCap) {

        Integer effectiveCap(Integer cap) {
            return cap == null ? null : loweredCap == null ? cap : Math.min(cap, loweredCap);
        }
    }

    /** The slot row as the grant locked it. */
    record Slot(double virtualTime, Integer loweredCap, boolean mayRecover) {

        /**
         * The lowered cap after what ModelsLab said since the last grant. A queue-full answer means ModelsLab holds
         * fewer than the gateway thought it may send: the cap drops below the slots in use then (each such call has
         * already given its slot back), to one at least. Once no 429 came for {@code gateway.upstream.cap-recovery}
         * and calls succeed, it rises by one slot; at the configured cap it is lifted.
         * @return the new lowered cap, {@code null} for none
         */
        Integer learn(int cap, int queueFull, int succeeded, int inUse) {
            int effective = loweredCap == null ? cap : Math.min(cap, loweredCap);
            if (queueFull > 0) {
                return Math.max(1, Math.min(effective - queueFull, inUse));
            }
            if (loweredCap != null && mayRecover && succeeded > 0) {
                return loweredCap + 1 >= cap ? null : loweredCap + 1;
            }
            return loweredCap;
        }
    }
}
