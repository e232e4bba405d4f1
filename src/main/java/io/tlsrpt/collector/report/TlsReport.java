package io.tlsrpt.collector.report;

import java.util.List;

/**
 * An SMTP TLS report, RFC 8460 §4.4. Field names follow the JSON keys. Strings are kept exactly as the
 * sender wrote them (after JSON unescaping); normalised forms are computed elsewhere and stored beside them.
 *
 * @param organizationName "organization-name", required
 * @param dateRange        "date-range", required
 * @param contactInfo      "contact-info"; null when absent, null or empty (no-contact.json, Stalwart-like senders)
 * @param reportId         "report-id", required
 * @param policies         "policies", required, at least the array
 */
public record TlsReport(String organizationName, DateRange dateRange, String contactInfo, String reportId,
                        List<PolicyResult> policies) {
    public TlsReport {
        policies = List.copyOf(policies);
    }
}
