package com.example.gateway.reconciliation;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;

import com.example.gateway.errors.ErrorCode;
import com.example.gateway.errors.GatewayException;
import com.example.gateway.units.Money;
import com.example.gateway.units.Utc;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Recorded top-ups of ModelsLab's account, which the reconciliation counts as paid in. The admin API and the console
 * both record them here, with one set of rules.
 */
@Service
public class TopUps {

    /** NUMERIC(18,8): at most 10 digits before the point and 8 after. */
    private static final BigDecimal MAX_AMOUNT = new BigDecimal("9999999999.99999999");

    private final JdbcClient jdbc;
    private final Clock clock;

    TopUps(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * @param at when it was paid in; now when {@code null}
     * @throws GatewayException 400 for an amount not above 0 or too precise, or a note over 500 characters
     */
    public TopUp record(BigDecimal amountUsd, OffsetDateTime at, String note) {
        if (amountUsd == null || amountUsd.signum() <= 0 || amountUsd.compareTo(MAX_AMOUNT) > 0
                || amountUsd.scale() > 8) {
            throw invalid("Field 'amountUsd' must be an amount above 0 with at most 10 digits before the point "
                    + "and 8 after.");
        }
        if (note != null && note.length() > 500) {
            throw invalid("Field 'note' must be at most 500 characters.");
        }
        Instant now = clock.instant();
        Instant paidIn = at == null ? now : at.toInstant();
        long id = jdbc.sql(ReconciliationStatements.INSERT_TOP_UP)
            .param("amount", amountUsd)
            .param("at", Utc.of(paidIn))
            .param("note", note)
            .param("recordedAt", Utc.of(now))
            .query(Long.class)
            .single();
        return new TopUp(id, Money.plain(amountUsd), Utc.of(paidIn), note);
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(ErrorCode.INVALID_REQUEST, message);
    }

    /** A recorded top-up. */
    public record TopUp(long id, String amountUsd, OffsetDateTime at, String note) {
    }
}
