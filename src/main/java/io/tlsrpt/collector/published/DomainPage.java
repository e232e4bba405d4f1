package io.tlsrpt.collector.published;

import io.tlsrpt.collector.store.view.DomainView;

/** The domain page: what the reports say, what the domain publishes now, and how the two differ. */
public record DomainPage(DomainView reports, DomainRecords records, Drift drift) {
}
