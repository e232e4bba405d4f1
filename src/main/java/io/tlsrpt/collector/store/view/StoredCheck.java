package io.tlsrpt.collector.store.view;

import java.time.Instant;

/** The latest check of a domain, its snapshot as JSON. */
public record StoredCheck(String domain, Instant checkedAt, int errors, int warnings, String snapshotJson) {
}
