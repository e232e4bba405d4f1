package io.tlsrpt.collector.store;

/** What storing one report did. */
public sealed interface StoreOutcome {
    /** A new report, stored with its policies and failure details. */
    record Stored(long reportId) implements StoreOutcome {
    }

    /** The key was stored already (by another message, or earlier in this one): recorded as a duplicate. */
    record Duplicate(long existingReportId) implements StoreOutcome {
    }
}
