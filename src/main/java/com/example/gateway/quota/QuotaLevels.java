package com.example.gateway.quota;

import java.time.Clock;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The quota rows of the levels around a tenant: its keys' (below) and its cost centre's (above). Admission checks and
 * reserves them with the tenant's, in {@link QuotaStatements#RESERVE}; this opens them and reads what they hold.
 */
@Service
public class QuotaLevels {

    private static final String KEY_SPENDING = """
            SELECT key_id, CASE WHEN month >= :month THEN month_spent_usd ELSE 0 END AS spent, reserved_usd
            FROM key_quota_state WHERE key_id = ANY(:keys)
            """;

    private static final String COST_CENTRE_SPENDING = """
            SELECT cost_centre_id, CASE WHEN month >= :month THEN month_spent_usd ELSE 0 END AS spent, reserved_usd
            FROM cost_centre_quota_state
            """;

    private final JdbcClient jdbc;
    private final Clock clock;

    QuotaLevels(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Creates the quota row of a new key; runs in the caller's transaction. */
    public void openKey(UUID keyId) {
        Windows windows = Windows.at(clock.instant());
        jdbc.sql("INSERT INTO key_quota_state (key_id, month, minute) VALUES (?, ?, ?)")
            .params(keyId, windows.month(), windows.minute())
            .update();
    }

    /** Creates the quota row of a new cost centre; runs in the caller's transaction. */
    public void openCostCentre(String costCentreId) {
        jdbc.sql("INSERT INTO cost_centre_quota_state (cost_centre_id, month) VALUES (?, ?)")
            .params(costCentreId, Windows.at(clock.instant()).month())
            .update();
    }

    /** This month's spending of each of {@code keys} that has a quota row. */
    public Map<UUID, Spending> keySpending(Collection<UUID> keys) {
        Map<UUID, Spending> spending = new HashMap<>();
        jdbc.sql(KEY_SPENDING)
            .param("month", currentMonth())
            .param("keys", keys.toArray(UUID[]::new))
            .query((RowCallbackHandler) rs -> spending.put(rs.getObject("key_id", UUID.class),
                    new Spending(rs.getBigDecimal("spent"), rs.getBigDecimal("reserved_usd"))));
        return spending;
    }

    /** This month's spending of every cost centre. */
    public Map<String, Spending> costCentreSpending() {
        Map<String, Spending> spending = new HashMap<>();
        jdbc.sql(COST_CENTRE_SPENDING)
            .param("month", currentMonth())
            .query((RowCallbackHandler) rs -> spending.put(rs.getString("cost_centre_id"),
                    new Spending(rs.getBigDecimal("spent"), rs.getBigDecimal("reserved_usd"))));
        return spending;
    }

    private LocalDate currentMonth() {
        return Windows.at(clock.instant()).month();
    }
}
