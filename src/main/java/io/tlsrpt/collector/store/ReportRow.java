package io.tlsrpt.collector.store;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A report as stored: the RFC 8460 §4.4 values as sent, its key, and where it came from.
 *
 * @param reportDomain  the domain the report was sent for (TLS-Report-Domain, else the Subject's, else the first
 *                      policy's), normalised
 * @param authenticated the message passed DKIM for the reporting domain (RFC 8460 §3)
 * @param foreignDomain the report is about a domain not in {@code tlsrpt.domains} (RFC 8460 §7)
 */
public record ReportRow(long messageId, int partIndex, String fileName, String organizationName, String reportId,
                        Instant start, Instant end, String startRaw, String endRaw, String contactInfo,
                        String reportDomain, String notes, List<PolicyRow> policies, boolean authenticated,
                        boolean foreignDomain) {

    /** The duplicate key (DESIGN.md): organization-name, report-id and the date range. */
    public String key() {
        return Sql.hash(organizationName, reportId, start.toString(), end.toString());
    }

    /** Sessions count on the UTC day the date range starts (DESIGN.md). */
    public LocalDate day() {
        return start.atZone(ZoneOffset.UTC).toLocalDate();
    }

    public long totalSuccessful() {
        return policies.stream().mapToLong(PolicyRow::successful).sum();
    }

    public long totalFailure() {
        return policies.stream().mapToLong(PolicyRow::failed).sum();
    }
}
