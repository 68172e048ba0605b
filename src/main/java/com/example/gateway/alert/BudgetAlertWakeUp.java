package com.example.gateway.alert;

import com.example.gateway.quota.BudgetAlertsRecorded;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Delivers budget alerts as soon as a settlement has recorded them, instead of at the next scheduled round. */
@Component
class BudgetAlertWakeUp {

    private final BudgetAlertDispatcher dispatcher;

    BudgetAlertWakeUp(BudgetAlertDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @EventListener
    void on(BudgetAlertsRecorded recorded) {
        dispatcher.wakeUp();
    }
}
