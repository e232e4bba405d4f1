package io.tlsrpt.collector.published;

import io.tlsrpt.collector.store.DashboardQueries;
import io.tlsrpt.collector.store.PageRequest;
import io.tlsrpt.collector.store.Period;
import io.tlsrpt.collector.store.Visibility;
import io.tlsrpt.collector.store.view.DomainView;
import jakarta.inject.Singleton;

/** Builds the domain page from the stored reports and the latest check of the published records. */
@Singleton
public class DomainPages {
    private final DashboardQueries queries;
    private final PublishedRecords records;

    public DomainPages(DashboardQueries queries, PublishedRecords records) {
        this.queries = queries;
        this.records = records;
    }

    public DomainPage page(String domain, Period period, Visibility visibility, PageRequest page) {
        DomainView view = queries.domain(domain, period, visibility, page);
        DomainRecords published = records.latest(domain).orElse(null);
        Drift drift = published == null ? Drift.none()
                : DriftAnalyzer.analyze(published.snapshot(), view.policies().items(), view.failures().items());
        return new DomainPage(view, published, drift);
    }
}
