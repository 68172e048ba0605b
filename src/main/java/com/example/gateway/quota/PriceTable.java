package com.example.gateway.quota;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import com.example.gateway.units.Utc;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The price table: reads for the admission cache and the admin API, and the only writes (add, delete, seed). */
@Repository
class PriceTable {

    /** Each price with the instant the model's next price replaces it ({@code effective_to}, null when none). */
    private static final String TIMELINE = """
            WITH timeline AS (
                SELECT p.*, lead(p.effective_from) OVER (PARTITION BY p.model_id ORDER BY p.effective_from)
                           AS effective_to
                FROM price p
            )
            SELECT * FROM timeline
            WHERE (effective_to IS NULL OR effective_to > :at) AND (:scheduled OR effective_from <= :at)
            ORDER BY model_id, effective_from
            """;

    private static final String INSERT = """
            INSERT INTO price (model_id, usd_per_image, usd_per_call, modelslab_usd_per_image, modelslab_usd_per_call,
                               effective_from, created_at)
            VALUES (:model, :usdPerImage, :usdPerCall, :modelsLabUsdPerImage, :modelsLabUsdPerCall, :effectiveFrom, :now)
            """;

    private final JdbcClient jdbc;

    PriceTable(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Every price, past, current and scheduled, by model and instant. */
    List<Price> all() {
        return jdbc.sql("SELECT * FROM price ORDER BY model_id, effective_from").query((rs, n) -> price(rs)).list();
    }

    /**
     * The prices in effect at {@code at}, and with {@code scheduled} also those that take effect later.
     */
    List<PriceView> timeline(Instant at, boolean scheduled) {
        return jdbc.sql(TIMELINE)
            .param("at", Utc.of(at))
            .param("scheduled", scheduled)
            .query((rs, n) -> PriceView.of(price(rs), instant(rs, "effective_to")))
            .list();
    }

    /** @throws org.springframework.dao.DuplicateKeyException when the model already has a price from that instant */
    PriceView add(Price price, Instant now) {
        Long id = insert(INSERT + " RETURNING id", price, now)
            .query(Long.class)
            .single();
        return timeline(price.effectiveFrom(), true).stream()
            .filter(view -> view.id().equals(id))
            .findFirst()
            .orElseThrow();
    }

    /**
     * Deletes a price that is not in effect at {@code now}.
     * @return whether it was deleted; {@code null} when there is no such price
     */
    @Transactional
    Boolean deleteScheduled(long id, Instant now) {
        OffsetDateTime from = jdbc.sql("SELECT effective_from FROM price WHERE id = ? FOR UPDATE")
            .param(id)
            .query(OffsetDateTime.class)
            .optional()
            .orElse(null);
        if (from == null) {
            return null;
        }
        if (!from.toInstant().isAfter(now)) {
            return false;
        }
        jdbc.sql("DELETE FROM price WHERE id = ?").param(id).update();
        return true;
    }

    /**
     * Writes the configured prices, from the epoch on, when the table is still empty (the first start). Replicas that
     * start together may both find it empty; the unique (model, instant) lets the second one's rows fall away.
     */
    @Transactional
    void seedIfEmpty(List<Price> configured, Instant now) {
        if (jdbc.sql("SELECT EXISTS (SELECT 1 FROM price)").query(Boolean.class).single()) {
            return;
        }
        for (Price price : configured) {
            insert(INSERT + " ON CONFLICT (model_id, effective_from) DO NOTHING", price, now).update();
        }
    }

    /** The insert of one price, with its values bound; {@code statement} is {@link #INSERT} and its ending. */
    private JdbcClient.StatementSpec insert(String statement, Price price, Instant now) {
        return jdbc.sql(statement)
            .param("model", price.model())
            .param("usdPerImage", price.usdPerImage(), Types.NUMERIC)
            .param("usdPerCall", price.usdPerCall(), Types.NUMERIC)
            .param("modelsLabUsdPerImage", price.modelsLabUsdPerImage(), Types.NUMERIC)
            .param("modelsLabUsdPerCall", price.modelsLabUsdPerCall(), Types.NUMERIC)
            .param("effectiveFrom", Utc.of(price.effectiveFrom()))
            .param("now", Utc.of(now));
    }

    private static Price price(ResultSet rs) throws SQLException {
        return new Price(rs.getLong("id"), rs.getString("model_id"), rs.getBigDecimal("usd_per_image"),
                rs.getBigDecimal("usd_per_call"), rs.getBigDecimal("modelslab_usd_per_image"),
                rs.getBigDecimal("modelslab_usd_per_call"), instant(rs, "effective_from"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
