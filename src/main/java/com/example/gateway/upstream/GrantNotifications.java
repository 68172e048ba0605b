package com.example.gateway.upstream;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens, on one connection of its own, for the grants other replicas make to this replica's calls, and wakes the
 * dispatcher. Losing the connection only costs latency: the dispatcher also polls, and this reconnects.
 */
final class GrantNotifications {

    private static final Logger log = LoggerFactory.getLogger(GrantNotifications.class);

    private final DataSource dataSource;
    private final String instanceId;
    private final Duration retry;
    private final Runnable wake;
    private volatile boolean running;
    private Thread thread;

    GrantNotifications(DataSource dataSource, String instanceId, Duration retry, Runnable wake) {
        this.dataSource = dataSource;
        this.instanceId = instanceId;
        this.retry = retry;
        this.wake = wake;
    }

    void start() {
        running = true;
        thread = Thread.ofPlatform().daemon().name("upstream-grant-listener").start(this::listen);
    }

    void stop() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(2_000);
        }
    }

    private void await(PGConnection notifications) throws SQLException {
        while (running) {
            PGNotification[] received = notifications.getNotifications(250);
            if (received == null) {
                continue;
            }
            for (PGNotification notification : received) {
                if (instanceId.equals(notification.getParameter())) {
                    wake.run();
                    break;
                }
            }
        }
    }

    private void listen() {
        while (running) {
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute(QueueStatements.LISTEN);
                try {
                    await(connection.unwrap(PGConnection.class));
                }
                finally {
                    // The connection goes back to the pool: it must not go on collecting notifications there.
                    statement.execute(QueueStatements.UNLISTEN);
                }
            }
            catch (SQLException ex) {
                log.warn("Listening for upstream grants failed, polling until it is back: {}", ex.getMessage());
                try {
                    Thread.sleep(retry.toMillis());
                }
                catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
