package com.example.gateway.errors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * The one answer builder: the dialect answer for a failure, and whether it is logged, whether the failure met the
 * request's thread (the error advice) or a proxied call answered later.
 */
public final class ErrorAnswers {

    private static final Logger log = LoggerFactory.getLogger(ErrorAnswers.class);

    private ErrorAnswers() {
    }

    public static ResponseEntity<ErrorBody> of(Throwable failure, String requestId) {
        if (failure instanceof GatewayException ex) {
            return render(ex.code(), ex.getMessage(), ex.retryAfter() == null ? null : ex.retryAfter().toSeconds(),
                    requestId);
        }
        if (failure instanceof CannotGetJdbcConnectionException || failure instanceof CannotCreateTransactionException
                || failure instanceof DataAccessResourceFailureException
                || failure instanceof DataAccessException && DatabaseFailures.isConnectionFailure(failure)) {
            log.warn("Database unavailable: {}", failure.getClass().getSimpleName());
            return render(ErrorCode.UNAVAILABLE,
                    "The gateway's database is unavailable or overloaded; nothing was forwarded or charged.", null,
                    requestId);
        }
        if (failure instanceof QueryTimeoutException) {
            // PostgreSQL cancelled a statement at its statement_timeout (reports): the database is overloaded or
            // the query too big for now, not a bug; the client may retry later or ask for less.
            log.warn("Database statement timed out: {}", failure.getClass().getSimpleName());
            return render(ErrorCode.UNAVAILABLE,
                    "The database took too long to answer; retry later, or ask for a shorter period.", null,
                    requestId);
        }
        log.error(failure instanceof DataAccessException ? "Database error" : "Unexpected error", failure);
        return render(ErrorCode.INTERNAL_ERROR, "The gateway failed to process the request.", null, requestId);
    }

    public static ResponseEntity<ErrorBody> render(ErrorCode code, String message, Long retryAfterSeconds,
            String requestId) {
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(code.status())
            .contentType(MediaType.APPLICATION_JSON);
        if (retryAfterSeconds != null) {
            builder.header(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfterSeconds));
        }
        return builder.body(ErrorBody.of(code, message, requestId, retryAfterSeconds));
    }
}
