package io.tlsrpt.collector.ingest;

import java.util.Set;

/** Published after a message's reports are committed: the domains they were sent for. */
public record ReportsStored(Set<String> domains) {
}
