package io.tlsrpt.collector.store;

import java.time.LocalDate;

/** A span of UTC days, both ends included. */
public record Period(LocalDate from, LocalDate to) {
    /** The dashboard's period when none is asked for: the last 30 days, today included (schema V13 sums most of it). */
    public static final int DEFAULT_DAYS = 30;

    /** The {@code days} days that end on {@code today}. */
    public static Period lastDays(LocalDate today, int days) {
        return new Period(today.minusDays(days - 1L), today);
    }

    public Period {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("'to' is before 'from'");
        }
    }
}
