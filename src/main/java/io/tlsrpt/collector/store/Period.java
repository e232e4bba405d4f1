package io.tlsrpt.collector.store;

import java.time.LocalDate;

/** A span of UTC days, both ends included. */
public record Period(LocalDate from, LocalDate to) {
    public Period {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("'to' is before 'from'");
        }
    }
}
