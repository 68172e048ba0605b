package com.example.gateway.reconciliation;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * ModelsLab's spending against the ledger, per interval between two usable balance snapshots. Amounts are exact
 * decimal strings; {@code driftUsd} is ModelsLab's figure minus the expected one, so a positive drift means ModelsLab
 * took more than the gateway accounts for.
 */
public record ReconciliationReport(OffsetDateTime from, OffsetDateTime to, List<Interval> intervals, List<Gap> gaps,
        Totals total) {

    /**
     * @param topUpsUsd the top-ups recorded in the interval, or the balance's rise when that is larger
     * @param topUpDetected the balance rose by more than the recorded top-ups: an unrecorded top-up, whose exact
     *        amount is unknown, so this interval's spending is understated by what ModelsLab took in it
     * @param inFlightAtStart calls admitted and not yet settled when the first snapshot was taken
     * @param gaps snapshots inside the interval that recorded no balance
     */
    public record Interval(OffsetDateTime from, OffsetDateTime to, String balanceAtStartUsd, String balanceAtEndUsd,
            String topUpsUsd, boolean topUpDetected, String modelsLabSpentUsd, String ledgerChargedUsd,
            String expectedModelsLabUsd, String driftUsd, String driftPercent, int inFlightAtStart,
            int inFlightAtEnd, long upstreamTimeouts, long upstreamUnknown, long gaps) {
    }

    /** A snapshot whose wallet call failed or gave no usable balance. */
    public record Gap(OffsetDateTime at, String reason) {
    }

    public record Totals(String topUpsUsd, String modelsLabSpentUsd, String ledgerChargedUsd, String expectedModelsLabUsd,
            String driftUsd, String driftPercent, long upstreamTimeouts, long upstreamUnknown, long gaps) {
    }
}
