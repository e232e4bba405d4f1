package io.tlsrpt.collector.store.view;

import io.tlsrpt.collector.store.Page;

import java.util.List;

/** Everything the domain page shows for a period. */
public record DomainView(String domain, List<DaySessions> days, Page<FailureGroup> failures,
                         Page<SeenPolicy> policies, Page<ReportSummary> reports) {
}
