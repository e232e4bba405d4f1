package io.tlsrpt.collector.report;

import java.time.Instant;

/**
 * "date-range", RFC 8460 §4.4: RFC 3339 date-times. {@code start}/{@code end} are the parsed instants (UTC);
 * {@code startRaw}/{@code endRaw} the strings as sent, for display.
 */
public record DateRange(Instant start, Instant end, String startRaw, String endRaw) {
}
