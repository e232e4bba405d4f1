package io.tlsrpt.collector.store.view;

import io.tlsrpt.collector.store.Period;
import io.tlsrpt.collector.store.Visibility;

/** Filters of the failures view; null means "any". */
public record FailureFilter(Period period, String domain, String resultType, String organization,
                            Visibility visibility) {
}
