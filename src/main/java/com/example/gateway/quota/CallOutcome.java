package com.example.gateway.quota;

import java.util.Locale;

/**
 * How an admitted call ended, as recorded in the ledger. The charging rule: a call is charged when ModelsLab may have
 * done the work (the request was sent and not explicitly refused), and not charged when it certainly did not. The two
 * charged outcomes that are not a ModelsLab verdict, {@link #UPSTREAM_TIMEOUT} and {@link #UPSTREAM_UNKNOWN}, are kept
 * apart so that finance can reconcile them against ModelsLab's own account.
 */
public enum CallOutcome {

    /** ModelsLab generated the images. Charged. */
    SUCCESS(true),
    /** ModelsLab queued the generation; the client fetches it later. Charged. */
    PROCESSING(true),
    /** ModelsLab answered {@code status: "error"} (or {@code failed}) for the client's request. Not charged. */
    UPSTREAM_REJECTED(false),
    /**
     * ModelsLab certainly did no work: the request never left (no connection), or ModelsLab refused it in a way the
     * client cannot be shown (its error answer with a 3xx or 5xx status, a 4xx that is not JSON, a rejected shared
     * key, no credits). Not charged.
     */
    UPSTREAM_ERROR(false),
    /** The request was sent and no answer came in time: ModelsLab may have done the work. Charged. */
    UPSTREAM_TIMEOUT(true),
    /** ModelsLab's account-wide queue was full (429). Not charged. */
    UPSTREAM_RATE_LIMITED(false),
    /**
     * The request was sent and the answer says neither yes nor no: the connection broke after the request was written,
     * a 5xx without ModelsLab's error answer (a CDN's 524, a proxy's 502), an unknown {@code status} or an answer that
     * is not JSON. ModelsLab may have done the work. Charged.
     */
    UPSTREAM_UNKNOWN(true),
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
