package com.example.gateway.errors;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseFailuresTest {

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("connection refused", new DataAccessResourceFailureException("down",
                        new SQLException("refused", "08001")), true, true),
                Arguments.of("connection lost mid-statement", new SQLException("io", "08006"), true, true),
                Arguments.of("pool timeout", new CannotGetJdbcConnectionException("pool",
                        new SQLTransientConnectionException("timeout")), true, true),
                Arguments.of("socket refused", new RuntimeException(new ConnectException("refused")), true, true),
                Arguments.of("deadlock", new SQLException("deadlock", "40P01"), false, true),
                Arguments.of("serialization failure", new SQLException("serialization", "40001"), false, true),
                Arguments.of("admin shutdown", new SQLException("terminating", "57P01"), false, true),
                Arguments.of("unique violation", new DataIntegrityViolationException("dup",
                        new SQLException("duplicate", "23505")), false, false),
                Arguments.of("syntax error", new SQLException("syntax", "42601"), false, false),
                Arguments.of("no SQLSTATE", new SQLException("odd"), false, false),
                Arguments.of("not a database failure", new IllegalStateException("bug"), false, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void recognisesFailuresThatPass(String name, Throwable failure, boolean connection, boolean transientFailure) {
        assertThat(DatabaseFailures.isConnectionFailure(failure)).isEqualTo(connection);
        assertThat(DatabaseFailures.isTransient(failure)).isEqualTo(transientFailure);
    }
}
