package com.example.gateway.upstream;

/**
 * The queue's SQL. Times are the database's ({@code now()}), so replicas whose clocks differ agree on deadlines and
 * heartbeats.
 * <p>
 * Locks: only the grant locks {@code upstream_slot}, first in its transaction, holding no other lock; after it, it
 * updates only waiting rows (which otherwise only single-statement deletes touch, holding nothing else) and the tenant
 * tags (which only the grant writes). Admission, settlement and the reservation sweeper never lock a queue row or the
 * slot row, so no statement can wait for the grant while holding what the grant waits for.
 */
final class QueueStatements {

    /** Calls starting to wait (arrays of one element per call); {@code :waits} in seconds. */
    static final String ENQUEUE = """
            INSERT INTO upstream_waiter (request_id, tenant_id, priority, instance_id, enqueued_at, deadline)
            SELECT w.request_id, w.tenant_id, w.priority, :instance, to_timestamp(w.enqueued_ms / 1000.0),
                   now() + make_interval(secs => w.wait_seconds)
            FROM unnest(CAST(:ids AS uuid[]), CAST(:tenants AS varchar[]), CAST(:priorities AS int2[]),
                        CAST(:enqueued AS int8[]), CAST(:waits AS float8[]))
                 AS w(request_id, tenant_id, priority, enqueued_ms, wait_seconds)
            ON CONFLICT (request_id) DO NOTHING
            """;

    /** Calls done with their slot (ModelsLab answered), or given up. */
    static final String RELEASE = "DELETE FROM upstream_waiter WHERE request_id = ANY(:ids)";

    static final String HEARTBEAT = """
            INSERT INTO upstream_instance (instance_id, seen_at) VALUES (:instance, now())
            ON CONFLICT (instance_id) DO UPDATE SET seen_at = now()
            """;

    /**
     * Gives back what dead replicas held: their heartbeat rows, and their waiters and slots. Also drops waiters long
     * past their deadline, which only a replica that lost its rows' owner could leave. Every replica runs it; deleting
     * the same rows twice is harmless.
     */
    static final String SWEEP = """
            WITH dead AS (
                DELETE FROM upstream_instance WHERE seen_at < now() - make_interval(secs => :timeout)
                RETURNING instance_id
            )
            DELETE FROM upstream_waiter w
            WHERE w.instance_id IN (SELECT instance_id FROM dead)
               OR (w.granted_at IS NULL AND w.deadline < now() - make_interval(secs => :timeout))
            """;

    /** A replica leaving cleanly: its heartbeat and whatever rows it still has. */
    static final String LEAVE = """
            WITH gone AS (DELETE FROM upstream_instance WHERE instance_id = :instance)
            DELETE FROM upstream_waiter WHERE instance_id = :instance
            """;

    /** The grant's mutex and the account's state: virtual time, and the cap ModelsLab's 429s taught. */
    static final String LOCK_SLOT = """
            SELECT virtual_time, lowered_cap,
                   coalesce(lowered_at < now() - make_interval(secs => :recovery), false) AS may_recover
            FROM upstream_slot WHERE id = 1
            FOR UPDATE
            """;

    /** Read after the lock, in a snapshot that sees every earlier grant. */
    static final String SLOTS_IN_USE = "SELECT count(*) FROM upstream_waiter WHERE granted_at IS NOT NULL";

    /**
     * Each waiting tenant's share and finish tag with its first {@code :free} waiting calls in its own order
     * (interactive before batch, then first come first served). A call past its deadline is not granted: its replica is
     * refusing it, or dead.
     */
    static final String CANDIDATES = """
            SELECT w.request_id, wt.tenant_id, t.upstream_share, coalesce(f.finish_tag, 0) AS finish_tag
            FROM (SELECT DISTINCT tenant_id FROM upstream_waiter WHERE granted_at IS NULL AND deadline > now()) wt
            JOIN tenant t ON t.id = wt.tenant_id
            LEFT JOIN upstream_tenant_tag f ON f.tenant_id = wt.tenant_id
            CROSS JOIN LATERAL (
                SELECT w.request_id, w.priority, w.enqueued_at FROM upstream_waiter w
                WHERE w.tenant_id = wt.tenant_id AND w.granted_at IS NULL AND w.deadline > now()
                ORDER BY w.priority, w.enqueued_at, w.request_id
                LIMIT :free
            ) w
            ORDER BY wt.tenant_id, w.priority, w.enqueued_at, w.request_id
            """;

    /**
     * Grants the planned calls and writes what the grant moved, in one statement: the tenants' finish tags, the
     * virtual time and the learned cap, and a notification to each other replica that got a slot (delivered when the
     * grant commits). A row cancelled since it was read is not granted; the calls granted are returned with their
     * replica.
     */
    static final String GRANT = """
            WITH granted AS (
                UPDATE upstream_waiter SET granted_at = now()
                WHERE request_id = ANY(:ids) AND granted_at IS NULL
                RETURNING request_id, instance_id
            ), tags AS (
                INSERT INTO upstream_tenant_tag (tenant_id, finish_tag)
                SELECT * FROM unnest(CAST(:tenants AS varchar[]), CAST(:tags AS float8[]))
                ON CONFLICT (tenant_id) DO UPDATE SET finish_tag = EXCLUDED.finish_tag
            ), slot AS (
                UPDATE upstream_slot SET virtual_time = :virtualTime, lowered_cap = :loweredCap,
                       lowered_at = CASE WHEN :learned THEN now() ELSE lowered_at END
                WHERE id = 1
            ), notified AS (
                SELECT pg_notify('upstream_granted', i.instance_id)
                FROM (SELECT DISTINCT instance_id FROM granted WHERE instance_id <> :instance) i
            )
            SELECT g.request_id, g.instance_id FROM granted g LEFT JOIN (SELECT count(*) FROM notified) n ON true
            """;

    static final String LISTEN = "LISTEN upstream_granted";

    static final String UNLISTEN = "UNLISTEN *";

    /** Of the calls waiting here, those that are no longer waiting, and whether each holds a slot. */
    static final String STATES = """
            SELECT request_id, granted_at IS NOT NULL AS granted FROM upstream_waiter WHERE request_id = ANY(:ids)
            """;

    /** Waiting calls given up; a call granted meanwhile is not returned and goes ahead. */
    static final String CANCEL = """
            DELETE FROM upstream_waiter WHERE request_id = ANY(:ids) AND granted_at IS NULL RETURNING request_id
            """;

    static final String ACCOUNT = """
            SELECT (SELECT count(*) FROM upstream_waiter WHERE granted_at IS NOT NULL) AS in_use, lowered_cap
            FROM upstream_slot WHERE id = 1
            """;

    static final String BY_TENANT = """
            SELECT tenant_id, count(*) FILTER (WHERE granted_at IS NULL) AS waiting,
                   count(*) FILTER (WHERE granted_at IS NOT NULL) AS holding
            FROM upstream_waiter GROUP BY tenant_id ORDER BY tenant_id
            """;

    private QueueStatements() {
    }
}
