package io.tlsrpt.collector.store.view;

import java.time.Instant;

/** One observed version of a published record or policy file, and when it was seen. */
public record RecordVersion(long id, String domain, String kind, String content, Instant firstSeen,
                            Instant lastSeen) {
}
