package com.example.gateway.partition;

import java.time.Clock;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Creates the ledger's partitions for the current month and the next {@code monthsAhead}, at start-up and then every
 * {@code interval}, on every replica. The work is PostgreSQL's {@code create_call_ledger_partition} (migration V12):
 * one transaction per month that takes an advisory lock and does nothing when the month has its partition, so replicas
 * running at once create each partition exactly once. Calls of a month that reached the default partition before it
 * had one (a clock far off) move into the new partition in that same transaction.
 */
@Component
class LedgerPartitions implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(LedgerPartitions.class);

    private final JdbcClient jdbc;
    private final PartitionProperties properties;
    private final Clock clock;

    LedgerPartitions(JdbcClient jdbc, PartitionProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(new FixedDelayTask(this::createOnSchedule, properties.interval(),
                Duration.ZERO));
    }

    void createOnSchedule() {
        try {
            List<YearMonth> created = createAhead();
            if (!created.isEmpty()) {
                log.info("Created the ledger partitions of {}", created);
            }
        }
        catch (RuntimeException ex) {
            // The database is away or a long report held the lock: the next run tries again, and the default
            // partition takes the calls of a month without a partition meanwhile.
            log.warn("Ledger partitions not created: {}", ex.getMessage());
        }
    }

    /** @return the months whose partition this call created */
    List<YearMonth> createAhead() {
        YearMonth current = YearMonth.now(clock.withZone(ZoneOffset.UTC));
        List<YearMonth> created = new ArrayList<>();
        for (int ahead = 0; ahead <= properties.monthsAhead(); ahead++) {
            YearMonth month = current.plusMonths(ahead);
            if (create(month)) {
                created.add(month);
            }
        }
        return created;
    }

    /** Creates the month's partition unless it exists; each call is its own transaction. */
    boolean create(YearMonth month) {
        return jdbc.sql("SELECT create_call_ledger_partition(:day)")
            .param("day", month.atDay(1))
            .query(Boolean.class)
            .single();
    }
}
