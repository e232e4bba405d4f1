package io.tlsrpt.collector.store.view;

import io.tlsrpt.collector.store.DkimColumns;

import java.time.Instant;

/**
 * A raw message's envelope, headers and processing state.
 *
 * @param rawPurged the raw bytes were deleted by the retention purge ({@code tlsrpt.retention.raw-days})
 */
public record MessageInfo(long id, Instant receivedAt, String channel, String clientIp, String helo,
                          String envelopeFrom, String envelopeTo, long sizeBytes, String sha256, String state,
                          int attempts, Instant processedAt, String lastError, String subject, String from,
                          String messageId, String date, String tlsReportDomain, String tlsReportSubmitter,
                          int reportsStored, int duplicates, int problems, DkimColumns dkim, boolean rawPurged) {
}
