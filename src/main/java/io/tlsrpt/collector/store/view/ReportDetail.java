package io.tlsrpt.collector.store.view;

import io.tlsrpt.collector.store.ReportRow;

import java.time.Instant;
import java.util.List;

/**
 * A stored report with everything about it: its rows, the message it came in and the later duplicates.
 *
 * @param failureDetailsShown failure details included in {@code report} (bounded); {@code failureDetailsTotal} all
 */
public record ReportDetail(long id, ReportRow report, Instant storedAt, MessageInfo message,
                           List<Duplicate> duplicates, long failureDetailsShown, long failureDetailsTotal) {
    public record Duplicate(long messageId, Instant receivedAt, String clientIp, String envelopeFrom) {
    }
}
