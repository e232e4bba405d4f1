package io.tlsrpt.collector.mail;

import java.util.List;
import java.util.Objects;

/**
 * What {@link ReportFinder#find(byte[])} found in one message.
 *
 * @param facts    header facts of the report message (of the forwarded inner message when the outer one has
 *                 no TLS-Report-Domain)
 * @param parts    every report found, in depth-first document order (zip entries in archive order);
 *                 {@code parts.get(i).index() == i}, and the same bytes always give the same list. Empty when
 *                 nothing report-like was found.
 * @param problems parts that look like a report but cannot be read, and message-level problems
 */
public record FoundReports(MessageFacts facts, List<ReportPart> parts, List<PartProblem> problems) {

    public FoundReports {
        Objects.requireNonNull(facts, "facts");
        parts = List.copyOf(parts);
        problems = List.copyOf(problems);
    }
}
