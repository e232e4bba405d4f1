package io.tlsrpt.collector.store.view;

import java.time.Instant;

/** A message, or a report part of one, that could not be stored, with the reason. */
public record QuarantineEntry(long id, long messageId, Integer partIndex, String fileName, String code,
                              String reason, Instant createdAt, String clientIp, String envelopeFrom,
                              String subject) {
}
