package io.tlsrpt.collector.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * {@code tlsrpt.export.*}: the CSV and JSON downloads of the failures view and the report list.
 *
 * @param maxRows rows one download writes at most; a longer result ends with a line saying it was cut
 */
@ConfigurationProperties("tlsrpt.export")
public record ExportSettings(@Bindable(defaultValue = "1000000") long maxRows) {
}
