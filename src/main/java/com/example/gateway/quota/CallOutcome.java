package com.example.gateway.quota;

import java.util.Locale;

/** How an admitted call ended, as recorded in the ledger. Only some outcomes are charged. */
public enum CallOutcome {

    /** ModelsLab generated the images. Charged. */
    SUCCESS(true),
    /** ModelsLab queued the generation; the client fetches it later. Charged. */
    PROCESSING(true),
    /** ModelsLab answered {@code status: "error"} (or {@code failed}) for the client's request. Not charged. */
    UPSTREAM_REJECTED(false),
    /** ModelsLab answered garbage, 5xx, or rejected the shared key; or the connection broke. Not charged. */
    UPSTREAM_ERROR(false),
    /** The request was sent and no answer came in time: ModelsLab may have done the work. Charged. */
    UPSTREAM_TIMEOUT(true),
    /** ModelsLab's account-wide queue was full (429). Not charged. */
    UPSTREAM_RATE_LIMITED(false),
    /** The replica handling the call died; the sweeper released the reservation. Not charged. */
    ABANDONED(false);

    private final boolean charged;

    CallOutcome(boolean charged) {
        this.charged = charged;
    }

    public boolean charged() {
        return charged;
    }

    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
