package io.tlsrpt.collector.ingest;

import io.tlsrpt.collector.store.view.ReportDetail;

/**
 * A stored report with its JSON as the sender wrote it, taken again from the raw message.
 *
 * @param json      the report's JSON text (at most {@link ReportSource#SHOWN_JSON_BYTES} bytes), or null when it
 *                  cannot be read again
 * @param truncated the JSON is longer than what {@code json} holds
 */
public record ReportView(ReportDetail detail, String json, boolean truncated) {
}
