package io.tlsrpt.collector.store.view;

import java.time.LocalDate;

/** Sessions of one policy domain on one UTC day. */
public record DaySessions(LocalDate day, long successful, long failed) {
}
