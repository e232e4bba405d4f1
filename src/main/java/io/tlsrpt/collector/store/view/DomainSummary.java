package io.tlsrpt.collector.store.view;

import java.time.LocalDate;

/** A row of the overview: one policy domain over a period. */
public record DomainSummary(String domain, long reports, long organizations, long successful, long failed,
                            LocalDate lastDay) {
    /** Failed sessions over all sessions, 0..1. */
    public double failureRate() {
        long all = successful + failed;
        return all == 0 ? 0 : (double) failed / all;
    }
}
