package com.example.gateway.quota;

import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.RowMapperResultSetExtractor;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcOperations;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;

/**
 * Runs statements separated by {@code ;} that pgJDBC sends together: one round trip, and one transaction, since
 * PostgreSQL runs the statements of one extended-protocol batch in one implicit transaction committed at its Sync (on
 * an autocommit connection). Each statement takes a snapshot of its own, after the one before it has finished: rows the
 * first statement locks are read at their newest by the next. Hand-rolled because {@code JdbcClient} reads one result
 * only; this walks to the last statement's rows, which are the answer.
 */
final class OneRoundTrip {

    private OneRoundTrip() {
    }

    static <T> List<T> lastRows(NamedParameterJdbcOperations jdbc, String statements, SqlParameterSource params,
            RowMapper<T> rows) {
        return jdbc.execute(statements, params, statement -> {
            ResultSet last = null;
            boolean isRows = statement.execute();
            while (isRows || statement.getUpdateCount() != -1) {
                if (isRows) {
                    if (last != null) {
                        last.close();
                    }
                    last = statement.getResultSet();
                }
                isRows = statement.getMoreResults(Statement.KEEP_CURRENT_RESULT);
            }
            if (last == null) {
                throw new IllegalStateException("The last statement returned no rows: " + statements);
            }
            try (ResultSet answer = last) {
                return new RowMapperResultSetExtractor<>(rows).extractData(answer);
            }
        });
    }
}
