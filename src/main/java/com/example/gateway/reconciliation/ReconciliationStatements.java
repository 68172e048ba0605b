package com.example.gateway.reconciliation;

/** The reconciliation's SQL, in one place. */
final class ReconciliationStatements {

    /**
     * What ModelsLab is expected to have taken for one ledger row: the ModelsLab cost its price named at admission
     * ({@code call_ledger.expected_modelslab_usd}), which can differ from the tenant's charge (an internal rate, a
     * premium plan); for rows written before prices were data, what the gateway charged.
     */
    static final String EXPECTED_MODELSLAB_USD = "coalesce(l.expected_modelslab_usd, l.cost_usd)";

    /** Any fixed number: the advisory lock that lets one replica at a time take a snapshot. */
    static final long SNAPSHOT_LOCK = 0x4d4c_5761_6c6c_6574L;

    static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock(?)";

    static final String LAST_TAKEN = "SELECT max(taken_at) FROM modelslab_wallet_snapshot";

    /** Calls admitted and not yet settled, on every replica. */
    static final String IN_FLIGHT = "SELECT count(*) FROM reservation";

    static final String INSERT_SNAPSHOT = """
            INSERT INTO modelslab_wallet_snapshot (taken_at, balance_usd, failure, in_flight)
            VALUES (:takenAt, :balance, :failure, :inFlight)
            """;

    static final String INSERT_TOP_UP = """
            INSERT INTO modelslab_top_up (amount_usd, at, note, recorded_at)
            VALUES (:amount, :at, :note, :recordedAt)
            RETURNING id
            """;

    /**
     * One row per interval between two consecutive usable snapshots taken in [from, to]. Ledger rows count in the
     * interval in which they were settled; they are looked up through the created_at index, since a call settles within
     * minutes of its admission (ModelsLab's response timeout plus the settlement's retries), far less than the hour
     * allowed here.
     */
    static final String INTERVALS = """
            WITH usable AS (
                SELECT taken_at, balance_usd, in_flight FROM modelslab_wallet_snapshot
                WHERE balance_usd IS NOT NULL AND taken_at >= :from AND taken_at <= :to
            ), intervals AS (
                SELECT taken_at AS start_at, balance_usd AS start_balance, in_flight AS start_in_flight,
                       lead(taken_at) OVER w AS end_at, lead(balance_usd) OVER w AS end_balance,
                       lead(in_flight) OVER w AS end_in_flight
                FROM usable WINDOW w AS (ORDER BY taken_at)
            )
            SELECT i.start_at, i.end_at, i.start_balance, i.end_balance, i.start_in_flight, i.end_in_flight,
                   (SELECT coalesce(sum(t.amount_usd), 0) FROM modelslab_top_up t
                     WHERE t.at > i.start_at AND t.at <= i.end_at) AS recorded_top_ups,
                   (SELECT count(*) FROM modelslab_wallet_snapshot g
                     WHERE g.balance_usd IS NULL AND g.taken_at > i.start_at AND g.taken_at < i.end_at) AS gaps,
                   c.charged, c.expected, c.timeouts, c.unknown
            FROM intervals i
            CROSS JOIN LATERAL (
                SELECT coalesce(sum(l.cost_usd), 0) AS charged,
                       coalesce(sum(%s), 0) AS expected,
                       count(*) FILTER (WHERE l.outcome = 'upstream_timeout') AS timeouts,
                       count(*) FILTER (WHERE l.outcome = 'upstream_unknown') AS unknown
                FROM call_ledger l
                WHERE l.settled_at > i.start_at AND l.settled_at <= i.end_at
                  AND l.created_at > i.start_at - INTERVAL '1 hour' AND l.created_at <= i.end_at
            ) c
            WHERE i.end_at IS NOT NULL
            ORDER BY i.start_at
            """.formatted(EXPECTED_MODELSLAB_USD);

    /** Snapshots that recorded no balance, for the report's list of gaps. */
    static final String GAPS = """
            SELECT taken_at, failure FROM modelslab_wallet_snapshot
            WHERE balance_usd IS NULL AND taken_at >= :from AND taken_at <= :to
            ORDER BY taken_at
            """;

    /** The newest usable snapshot's balance, for the balance gauge. */
    static final String LATEST_BALANCE = """
            SELECT balance_usd FROM modelslab_wallet_snapshot
            WHERE balance_usd IS NOT NULL ORDER BY taken_at DESC LIMIT 1
            """;

    /** The two newest usable snapshots' times, bounding the interval the drift gauge shows. */
    static final String LATEST_TWO = """
            SELECT taken_at FROM modelslab_wallet_snapshot
            WHERE balance_usd IS NOT NULL ORDER BY taken_at DESC LIMIT 2
            """;

    private ReconciliationStatements() {
    }
}
