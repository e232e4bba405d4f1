package io.tlsrpt.collector.store.view;

import java.time.Instant;

/** A row of the report list. */
public record ReportSummary(long id, String organization, String reportId, Instant start, Instant end,
                            String reportDomain, int policies, long successful, long failed, Instant storedAt,
                            long messageId) {
}
