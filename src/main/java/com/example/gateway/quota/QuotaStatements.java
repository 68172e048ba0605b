package com.example.gateway.quota;

/**
 * The quota row's SQL, written once. {@code bench/per-call.sql} is generated from these (see {@code PerCallSqlTest}),
 * so the benchmark's PostgreSQL floor runs exactly what the gateway runs.
 */
public final class QuotaStatements {

    /**
     * Whether a call may be admitted, or why not: null when every limit lets it in, else the first limit that refuses
     * it. It reads the tenant {@code t} and its quota row {@code q}, the key's limits {@code k} and its row {@code kq},
     * and the tenant's cost centre {@code cc} and its row {@code cq} (null without one: its limit then does not apply).
     * Written once, and used twice by {@link #RESERVE}: as the condition of its update of the tenant's row, and to say why
     * a refused call was refused; both read the same rows, locked before the statement began.
     * <p>
     * Windows only move forward: a call that names an older month, day or minute than the row's (a replica whose clock
     * is behind, a call that waited across a boundary) counts in the row's window, so a counter or a month's spending
     * is never reset by a stale call.
     */
    private static final String REFUSAL = """
            CASE
                WHEN t.suspended THEN 'tenant_suspended'
                WHEN t.monthly_budget_usd IS NOT NULL
                     AND CASE WHEN q.month >= :month THEN q.month_spent_usd ELSE 0 END + q.reserved_usd + :price
                         > t.monthly_budget_usd THEN 'budget_exhausted'
                WHEN cc.monthly_budget_usd IS NOT NULL
                     AND CASE WHEN cq.month >= :month THEN cq.month_spent_usd ELSE 0 END + cq.reserved_usd + :price
                         > cc.monthly_budget_usd THEN 'cost_centre_budget_exhausted'
                WHEN k.monthly_budget_usd IS NOT NULL
                     AND CASE WHEN kq.month >= :month THEN kq.month_spent_usd ELSE 0 END + kq.reserved_usd + :price
                         > k.monthly_budget_usd THEN 'key_budget_exhausted'
                WHEN t.daily_request_limit IS NOT NULL
                     AND CASE WHEN q.day >= :day THEN q.day_calls ELSE 0 END >= t.daily_request_limit THEN 'daily_limit'
                WHEN t.requests_per_minute IS NOT NULL
                     AND CASE WHEN q.minute >= :minute THEN q.minute_calls ELSE 0 END >= t.requests_per_minute
                     THEN 'rate_limited'
                WHEN k.requests_per_minute IS NOT NULL
                     AND CASE WHEN kq.minute >= :minute THEN kq.minute_calls ELSE 0 END >= k.requests_per_minute
                     THEN 'key_rate_limited'
                WHEN t.max_concurrent IS NOT NULL AND q.in_flight >= t.max_concurrent THEN 'too_many_concurrent'
            END""";

    /**
     * Admission's first statement: locks the key's, the cost centre's and the tenant's quota rows, in the one order
     * (keys, cost centres, tenants; each waits for the one before through its one-time filter), and notes for the
     * second statement which cost centre it locked ({@code gateway.cost_centre}, transaction-local): should an admin move
     * the tenant meanwhile, the second statement still works on the rows locked here, never on a row it would lock out
     * of order. No rows for an unknown or revoked key.
     */
    private static final String LOCK_CALLER = """
            WITH caller AS (
                SELECT k.id AS key_id, k.tenant_id, t.cost_centre_id
                FROM api_key k JOIN tenant t ON t.id = k.tenant_id
                WHERE k.%1$s AND k.revoked_at IS NULL
            ), key_row AS (
                SELECT kq.key_id FROM key_quota_state kq WHERE kq.key_id = (SELECT key_id FROM caller)
                FOR NO KEY UPDATE
            ), cost_centre_row AS (
                SELECT cq.cost_centre_id FROM cost_centre_quota_state cq
                WHERE cq.cost_centre_id = (SELECT cost_centre_id FROM caller) AND (SELECT count(*) FROM key_row) >= 0
                FOR NO KEY UPDATE
            ), tenant_row AS (
                SELECT q.tenant_id FROM quota_state q
                WHERE q.tenant_id = (SELECT tenant_id FROM caller) AND (SELECT count(*) FROM cost_centre_row) >= 0
                FOR NO KEY UPDATE
            )
            SELECT set_config('gateway.cost_centre', coalesce(c.cost_centre_id, ''), true)
            FROM caller c WHERE (SELECT count(*) FROM tenant_row) >= 0
            """;

    /**
     * Admits a call in two statements sent together, one round trip and one transaction ({@link OneRoundTrip}):
     * {@link #LOCK_CALLER} locks the key's, cost centre's and tenant's rows; then this statement, whose snapshot is taken
     * once it holds them, so it reads their newest versions, updates the tenant's row only if {@link #REFUSAL} lets the
     * call in, and then counts it and reserves its exact price there, on the key's row and on the cost centre's row. So
     * concurrent admissions from any number of replicas can never overshoot any of the three levels.
     * <p>
     * Why two statements: a single statement that locks rows other calls are updating has PostgreSQL recheck it
     * (EvalPlanQual) on the newest row under the lock, and each recheck first sets up every part of the statement
     * again; with three levels and their CTEs that took milliseconds while the tenant's row was held, which serialised a
     * busy tenant's calls (bench/RESULTS.md). Here the rows are locked by a small statement, and the large one, reading
     * rows nobody else can change, is never rechecked.
     * <p>
     * Answers one row for a valid key, with the reason the call was refused ({@code refusal}, null when admitted);
     * none for an unknown or revoked key. {@code %1$s} is the key criterion, see {@link #reserve(Credential)}.
     */
    private static final String RESERVE = LOCK_CALLER + ";\n" + """
            WITH caller AS (
                SELECT k.id AS key_id, k.tenant_id, nullif(current_setting('gateway.cost_centre', true), '') AS cost_centre_id,
                       k.monthly_budget_usd, k.requests_per_minute
                FROM api_key k
                WHERE k.%1$s AND k.revoked_at IS NULL
            ), key_row AS (
                SELECT kq.* FROM key_quota_state kq WHERE kq.key_id = (SELECT key_id FROM caller)
            ), cost_centre_row AS (
                SELECT cq.* FROM cost_centre_quota_state cq WHERE cq.cost_centre_id = (SELECT cost_centre_id FROM caller)
            ), admitted AS (
                UPDATE quota_state q SET
                    month_spent_usd = CASE WHEN q.month >= :month THEN q.month_spent_usd ELSE 0 END,
                    month = greatest(q.month, :month),
                    reserved_usd = q.reserved_usd + :price,
                    in_flight = q.in_flight + 1,
                    day_calls = CASE WHEN q.day >= :day THEN q.day_calls ELSE 0 END + 1,
                    day = greatest(q.day, :day),
                    minute_calls = CASE WHEN q.minute >= :minute THEN q.minute_calls ELSE 0 END + 1,
                    minute = greatest(q.minute, :minute)
                FROM caller k JOIN tenant t ON t.id = k.tenant_id LEFT JOIN key_row kq ON true
                     LEFT JOIN cost_centre_row cq ON true LEFT JOIN cost_centre cc ON cc.id = cq.cost_centre_id
                WHERE q.tenant_id = k.tenant_id AND (%2$s) IS NULL
                RETURNING q.tenant_id, q.month
            ), key_admitted AS (
                UPDATE key_quota_state kq SET
                    month_spent_usd = CASE WHEN kq.month >= :month THEN kq.month_spent_usd ELSE 0 END,
                    month = greatest(kq.month, :month),
                    reserved_usd = kq.reserved_usd + :price,
                    minute_calls = CASE WHEN kq.minute >= :minute THEN kq.minute_calls ELSE 0 END + 1,
                    minute = greatest(kq.minute, :minute)
                FROM key_row r WHERE kq.key_id = r.key_id AND EXISTS (SELECT 1 FROM admitted)
            ), cost_centre_admitted AS (
                UPDATE cost_centre_quota_state cq SET
                    month_spent_usd = CASE WHEN cq.month >= :month THEN cq.month_spent_usd ELSE 0 END,
                    month = greatest(cq.month, :month),
                    reserved_usd = cq.reserved_usd + :price
                FROM cost_centre_row r WHERE cq.cost_centre_id = r.cost_centre_id AND EXISTS (SELECT 1 FROM admitted)
            ), reserved AS (
                INSERT INTO reservation (request_id, tenant_id, key_id, model_id, endpoint, images, amount_usd, month,
                                         idempotency_key, prompt_sha256, created_at, holds_upstream_slot, price_id,
                                         unit_price_usd, expected_modelslab_usd, cost_centre_id, project, tags,
                                         track_id)
                SELECT :requestId, a.tenant_id, c.key_id, :model, :endpoint, :images, :price, a.month, :idempotencyKey,
                       :promptSha256, :now, :holdsSlot, :priceId, :unitPrice, :expectedModelsLab, c.cost_centre_id,
                       :project, nullif(jsonb_object(CAST(:tagKeys AS text[]), CAST(:tagValues AS text[])), '{}'), :trackId
                FROM admitted a CROSS JOIN caller c
                RETURNING request_id
            )
            SELECT k.key_id, k.tenant_id, k.cost_centre_id,
                   CASE WHEN EXISTS (SELECT 1 FROM reserved) THEN NULL ELSE %2$s END AS refusal,
                   coalesce((SELECT a.month FROM admitted a), greatest(q.month, :month)) AS month,
                   greatest(q.day, :day) AS day, greatest(q.minute, :minute, kq.minute) AS minute,
                   EXISTS (SELECT 1 FROM reserved) AS admitted
            FROM caller k JOIN tenant t ON t.id = k.tenant_id JOIN quota_state q ON q.tenant_id = k.tenant_id
                 LEFT JOIN key_row kq ON true
                 LEFT JOIN cost_centre_row cq ON true LEFT JOIN cost_centre cc ON cc.id = cq.cost_centre_id
            -- Commit without waiting for the WAL flush (see QuotaService.reserve); transaction-local, so it ends with
            -- this transaction.
            CROSS JOIN (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit
            """;

    public static final String RESERVE_BY_KEY_HASH = RESERVE.formatted("key_hash = :keyHash", REFUSAL);

    static final String RESERVE_BY_KEY_ID = RESERVE.formatted("id = :keyId", REFUSAL);

    /**
     * The second settlement step for recorded calls of any number of tenants: releases their reservations and charges
     * their recorded costs to their keys', cost centres' and tenants' rows, once (a reservation is deleted as it is
     * applied). Two statements sent together, one round trip and one transaction, for the reason given at
     * {@link #RESERVE}: the first locks the calls' reservations and then their rows in the one order
     * ({@link #lockingLevelsOf}), the second, whose snapshot is taken once it holds them, writes them. A cost whose month is older than its row's belongs to a month that is
     * over: its ledger row carries it, the current month's budget does not. Records the budget alerts the new spending
     * crosses. One row per tenant applied.
     */
    public static final String APPLY = lockingLevelsOf("calls", """
            WITH calls AS (
                SELECT r.tenant_id, r.key_id, r.cost_centre_id FROM reservation r WHERE r.request_id = ANY(:requestIds)
                FOR UPDATE
            ), %s
            SELECT count(*) FROM locked""") + ";\n" + """
            WITH applied AS (
                DELETE FROM reservation r USING call_ledger l
                WHERE r.request_id = ANY(:requestIds) AND l.request_id = r.request_id AND l.created_at = r.created_at
                RETURNING r.tenant_id, r.key_id, r.cost_centre_id, r.amount_usd, r.month, r.holds_upstream_slot,
                          l.cost_usd
            ), key_state AS (
                UPDATE key_quota_state kq SET
                    reserved_usd = kq.reserved_usd - (SELECT sum(a.amount_usd) FROM applied a WHERE a.key_id = kq.key_id),
                    month_spent_usd = kq.month_spent_usd + (SELECT coalesce(sum(a.cost_usd), 0) FROM applied a
                                                            WHERE a.key_id = kq.key_id AND a.month = kq.month)
                WHERE kq.key_id IN (SELECT key_id FROM applied)
            ), cost_centre_state AS (
                UPDATE cost_centre_quota_state cq SET
                    reserved_usd = cq.reserved_usd
                        - (SELECT sum(a.amount_usd) FROM applied a WHERE a.cost_centre_id = cq.cost_centre_id),
                    month_spent_usd = cq.month_spent_usd + (SELECT coalesce(sum(a.cost_usd), 0) FROM applied a
                                                            WHERE a.cost_centre_id = cq.cost_centre_id
                                                              AND a.month = cq.month)
                WHERE cq.cost_centre_id IN (SELECT cost_centre_id FROM applied)
            ), state AS (
                UPDATE quota_state q SET
                    reserved_usd = q.reserved_usd
                        - (SELECT sum(a.amount_usd) FROM applied a WHERE a.tenant_id = q.tenant_id),
                    in_flight = q.in_flight - (SELECT count(*) FROM applied a WHERE a.tenant_id = q.tenant_id),
                    month_spent_usd = q.month_spent_usd + (SELECT coalesce(sum(a.cost_usd), 0) FROM applied a
                                                           WHERE a.tenant_id = q.tenant_id AND a.month = q.month)
                WHERE q.tenant_id IN (SELECT tenant_id FROM applied)
                RETURNING q.tenant_id, q.month, q.month_spent_usd, q.reserved_usd
            ), slot AS (
                UPDATE upstream_slot u SET in_flight = u.in_flight - (SELECT count(*) FROM applied WHERE holds_upstream_slot)
                WHERE u.id = 1 AND EXISTS (SELECT 1 FROM applied WHERE holds_upstream_slot)
            ), alerts AS (
                -- Spending that crosses one of the tenant's thresholds records that alert, once per threshold and
                -- month; the alert package delivers it after this commits.
                INSERT INTO budget_alert (tenant_id, month, threshold_percent, spent_usd, budget_usd, created_at,
                                          next_attempt_at)
                SELECT s.tenant_id, s.month, threshold, s.month_spent_usd, t.monthly_budget_usd, :now, :now
                FROM state s JOIN tenant t ON t.id = s.tenant_id, unnest(t.alert_thresholds) AS threshold
                WHERE t.alert_webhook_url IS NOT NULL AND t.monthly_budget_usd > 0
                  AND EXISTS (SELECT 1 FROM applied a WHERE a.tenant_id = s.tenant_id AND a.cost_usd > 0)
                  AND s.month_spent_usd * 100 >= t.monthly_budget_usd * threshold
                ON CONFLICT DO NOTHING
                RETURNING tenant_id
            )
            SELECT s.tenant_id,
                   t.monthly_budget_usd - CASE WHEN s.month >= :month THEN s.month_spent_usd ELSE 0 END - s.reserved_usd
                       AS remaining,
                   t.monthly_budget_usd IS NULL AS unlimited,
                   EXISTS (SELECT 1 FROM alerts al WHERE al.tenant_id = s.tenant_id) AS alerts
            FROM state s JOIN tenant t ON t.id = s.tenant_id
            -- Commit without waiting for the WAL flush: the ledger rows are already durable (see ledger.GroupCommit).
            CROSS JOIN (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit
            """;

    /** The tenant's consumption, in the row's windows or the caller's, whichever is newer. */
    static final String USAGE = """
            SELECT t.monthly_budget_usd,
                   CASE WHEN q.month >= :month THEN q.month_spent_usd ELSE 0 END AS spent,
                   q.reserved_usd,
                   CASE WHEN q.day >= :day THEN q.day_calls ELSE 0 END AS calls_today,
                   q.in_flight
            FROM tenant t JOIN quota_state q ON q.tenant_id = t.id
            WHERE t.id = :tenant
            """;

    /**
     * The one lock order of the quota rows, for statements that lock the rows of many calls ({@code %s} in
     * {@code statement} is where the CTEs go): the calls' reservations first (the CTE named {@code calls}, with
     * {@code key_id}, {@code cost_centre_id} and {@code tenant_id}, which locks or deletes them), then
     * {@code locked_keys}, {@code locked_cost_centres} and {@code locked} (tenants), each sorted by id, each waiting for
     * the one before through its one-time filter. So a settlement and the sweeper, which both take reservations and
     * then quota rows, never hold one while waiting for the other's. Admission
     * ({@link #LOCK_CALLER}) locks in the same order: keys, cost centres, tenants, and the account's slot after them.
     */
    public static String lockingLevelsOf(String calls, String statement) {
        return statement.formatted("""
                locked_keys AS (
                    SELECT kq.key_id FROM key_quota_state kq WHERE kq.key_id IN (SELECT key_id FROM %1$s)
                      AND (SELECT count(*) FROM %1$s) >= 0
                    ORDER BY kq.key_id
                    FOR NO KEY UPDATE
                ), locked_cost_centres AS (
                    SELECT cq.cost_centre_id FROM cost_centre_quota_state cq
                    WHERE cq.cost_centre_id IN (SELECT cost_centre_id FROM %1$s)
                      AND (SELECT count(*) FROM locked_keys) >= 0
                    ORDER BY cq.cost_centre_id
                    FOR NO KEY UPDATE
                ), locked AS (
                    SELECT q.tenant_id FROM quota_state q
                    WHERE q.tenant_id IN (SELECT tenant_id FROM %1$s) AND (SELECT count(*) FROM locked_cost_centres) >= 0
                    ORDER BY q.tenant_id
                    FOR NO KEY UPDATE
                )""".formatted(calls));
    }

    private QuotaStatements() {
    }

    static String reserve(Credential credential) {
        return switch (credential) {
            case Credential.KeyHash hash -> RESERVE_BY_KEY_HASH;
            case Credential.AuthenticatedKey key -> RESERVE_BY_KEY_ID;
        };
    }
}
