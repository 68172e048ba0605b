package com.example.gateway.upstream;

import java.time.Duration;

/**
 * The queue's settings as the replica runs them: {@code cap} is {@code null} when the account has no cap, and then
 * nothing of the queue runs. {@code instanceId} names this replica in the queue's rows.
 */
record QueueSettings(Integer cap, Duration maxQueueWait, Duration pollInterval, Duration instanceTimeout,
        Duration capRecovery, String instanceId) {

    boolean on() {
        return cap != null;
    }
}
