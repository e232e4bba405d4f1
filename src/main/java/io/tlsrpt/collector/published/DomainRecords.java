package io.tlsrpt.collector.published;

import io.tlsrpt.collector.records.Finding;
import io.tlsrpt.collector.records.RecordsSnapshot;
import io.tlsrpt.collector.store.view.RecordVersion;

import java.util.List;

/**
 * What a domain publishes, as last checked: the snapshot (raw answers, parsed values, findings, including those that
 * need history) and the versions of each record seen so far, newest first.
 */
public record DomainRecords(String domain, RecordsSnapshot snapshot, List<RecordVersion> versions) {
    public List<Finding> findings() {
        return snapshot.findings();
    }
}
