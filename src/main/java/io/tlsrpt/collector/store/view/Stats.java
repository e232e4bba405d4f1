package io.tlsrpt.collector.store.view;

/** Counters over everything stored. */
public record Stats(long messagesReceived, long messagesPending, long messagesQuarantined, long reportsStored,
                    long duplicates, long quarantineEntries) {
}
