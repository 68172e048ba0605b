package com.example.gateway.errors;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.util.function.Predicate;

import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

/** Recognises database failures that pass, anywhere in an exception's chain of causes. */
public final class DatabaseFailures {

    private DatabaseFailures() {
    }

    /**
     * PostgreSQL refused or lost the connection, or no pooled connection came in time (SQLSTATE class 08, or the pool's
     * timeout): the database is unavailable or overloaded, not wrong.
     */
    public static boolean isConnectionFailure(Throwable ex) {
        return anyCause(ex, cause -> cause instanceof SQLTransientConnectionException || cause instanceof ConnectException
                || cause instanceof CannotGetJdbcConnectionException
                || sqlStateStartsWith(cause, "08"));
    }

    /**
     * A connection failure, or a transaction that lost a race or was cancelled (deadlock, serialization failure,
     * shutdown: SQLSTATE classes 40 and 57P): worth doing again in a moment.
     */
    public static boolean isTransient(Throwable ex) {
        return isConnectionFailure(ex) || anyCause(ex, cause -> cause instanceof SQLTransientException
                || cause instanceof CannotCreateTransactionException
                || cause instanceof TransientDataAccessException || cause instanceof PessimisticLockingFailureException
                || sqlStateStartsWith(cause, "40") || sqlStateStartsWith(cause, "57P"));
    }

    /**
     * A row that was routed to the default partition by a partition list a concurrent {@code ATTACH PARTITION} was just
     * changing, so the default partition's new constraint refuses it (SQLSTATE 23514, "violates partition constraint"):
     * inserting it again routes it to its new partition. Happens only to a row of a month that had no partition until
     * then (a replica's clock far off), while a replica creates that month's.
     */
    public static boolean isPartitionRerouting(Throwable ex) {
        return anyCause(ex, cause -> cause instanceof SQLException sql && "23514".equals(sql.getSQLState())
                && sql.getMessage() != null && sql.getMessage().contains("violates partition constraint"));
    }

    private static boolean sqlStateStartsWith(Throwable cause, String prefix) {
        return cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith(prefix);
    }

    private static boolean anyCause(Throwable ex, Predicate<Throwable> test) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (test.test(cause)) {
                return true;
            }
        }
        return false;
    }
}
