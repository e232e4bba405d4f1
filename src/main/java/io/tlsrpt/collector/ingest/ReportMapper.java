package io.tlsrpt.collector.ingest;

import io.tlsrpt.collector.report.FailureDetail;
import io.tlsrpt.collector.report.HostNames;
import io.tlsrpt.collector.report.PolicyResult;
import io.tlsrpt.collector.report.TlsReport;
import io.tlsrpt.collector.store.FailureRow;
import io.tlsrpt.collector.store.PolicyRow;
import io.tlsrpt.collector.store.ReportRow;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a parsed report into the rows the store keeps: every value as sent, with the normalised forms that grouping
 * needs beside them, and the effective policy domain where the sender left it out.
 */
final class ReportMapper {
    /** Grouping value for a report that names its domain nowhere. */
    static final String UNKNOWN_DOMAIN = "(unknown)";

    private ReportMapper() {
    }

    /**
     * The domain the report was sent for: TLS-Report-Domain (RFC 8460 §5.3), else the Subject's "Report Domain:",
     * else the policy domain in the file name (§5.1: sender!policy-domain!begin!end), else the first policy's.
     */
    static String reportDomain(String tlsReportDomain, String subjectDomain, String fileName, TlsReport report) {
        for (String candidate : new String[]{tlsReportDomain, subjectDomain, fileNameDomain(fileName)}) {
            String d = HostNames.normalize(candidate);
            if (d != null && !d.isEmpty()) {
                return d;
            }
        }
        for (PolicyResult p : report.policies()) {
            String d = HostNames.normalize(p.policy().policyDomain());
            if (d != null && !d.isEmpty()) {
                return d;
            }
        }
        return UNKNOWN_DOMAIN;
    }

    static String fileNameDomain(String fileName) {
        if (fileName == null) {
            return null;
        }
        String[] parts = fileName.split("!");
        return parts.length >= 4 ? parts[1] : null;
    }

    /**
     * @return the rows, or the first value too long for its column (a reason to quarantine: only hostile or broken
     * senders write a 2,000-character host name)
     */
    static Mapped toRow(long messageId, int partIndex, String fileName, String reportDomain, TlsReport r,
                        List<String> notes, boolean authenticated, boolean foreignDomain) {
        List<PolicyRow> policies = new ArrayList<>();
        int position = 0;
        for (PolicyResult pr : r.policies()) {
            var p = pr.policy();
            String domain = Optional.ofNullable(HostNames.normalize(p.policyDomain()))
                    .filter(d -> !d.isEmpty()).orElse(reportDomain);
            List<FailureRow> failures = new ArrayList<>();
            for (FailureDetail f : pr.failureDetails()) {
                failures.add(new FailureRow(f.resultType().value(),
                        f.resultType().known().map(k -> k.value).orElse("other"), f.sendingMtaIp(),
                        f.receivingMxHostname(), HostNames.normalize(f.receivingMxHostname()), f.receivingMxHelo(),
                        f.receivingIp(), f.failedSessionCount(), f.additionalInformation(), f.failureReasonCode()));
            }
            policies.add(new PolicyRow(position++, p.policyType().value(),
                    p.policyType().known().map(k -> k.value).orElse("other"), p.policyDomain(), domain,
                    p.policyString().isEmpty() ? null : String.join("\n", p.policyString()),
                    p.mxHost().isEmpty() ? null : String.join("\n", p.mxHost()),
                    pr.summary().totalSuccessfulSessionCount(), pr.summary().totalFailureSessionCount(), failures));
        }
        ReportRow row = new ReportRow(messageId, partIndex, fileName, r.organizationName(), r.reportId(),
                r.dateRange().start(), r.dateRange().end(), r.dateRange().startRaw(), r.dateRange().endRaw(),
                r.contactInfo(), reportDomain, notes.isEmpty() ? null : String.join("; ", notes), policies,
                authenticated, foreignDomain);
        String tooLong = firstTooLong(row);
        if (tooLong != null) {
            return new Mapped(null, "field-too-long", "value too long to store: " + tooLong);
        }
        String tooLarge = firstCountTooLarge(row);
        if (tooLarge != null) {
            return new Mapped(null, "count-too-large", tooLarge + " is larger than " + MAX_COUNT
                    + " (I-JSON, RFC 7493 §2.2): sums of such counts would overflow");
        }
        return new Mapped(row, null, null);
    }

    /** The rows, or why the report cannot be stored (a code and a reason for people). */
    record Mapped(ReportRow row, String code, String reason) {
    }

    /**
     * The largest count stored: RFC 8460 §4 reports are I-JSON, whose numbers are exact only up to 2^53-1. Counts
     * are summed into roll-ups; with this bound no sum of fewer than 1,024 such reports can overflow a long.
     */
    static final long MAX_COUNT = (1L << 53) - 1;

    private static String firstCountTooLarge(ReportRow r) {
        for (PolicyRow p : r.policies()) {
            if (p.successful() > MAX_COUNT) return "total-successful-session-count";
            if (p.failed() > MAX_COUNT) return "total-failure-session-count";
            for (FailureRow f : p.failures()) {
                if (f.failedSessionCount() > MAX_COUNT) return "failed-session-count";
            }
        }
        return null;
    }

    /**
     * The most UTF-8 bytes of a domain name, the report's or a policy's: both are keys of indexes, and a PostgreSQL
     * index entry holds at most 2,704 bytes (a longer one fails every attempt to store the report). A real one has
     * at most 253 octets (RFC 1035 §2.3.4), a few more as Unicode.
     */
    static final int MAX_DOMAIN_BYTES = 1024;

    private static String firstTooLong(ReportRow r) {
        if (overBytes(r.reportDomain(), MAX_DOMAIN_BYTES)) return "report-domain";
        if (over(r.organizationName(), 4000)) return "organization-name";
        if (over(r.reportId(), 4000)) return "report-id";
        if (over(r.contactInfo(), 4000)) return "contact-info";
        if (over(r.startRaw(), 200) || over(r.endRaw(), 200)) return "date-range";
        for (PolicyRow p : r.policies()) {
            if (over(p.policyType(), 1024)) return "policy-type";
            if (over(p.policyDomain(), 4000) || overBytes(p.domain(), MAX_DOMAIN_BYTES)) return "policy-domain";
            if (over(p.policyString(), 1_000_000)) return "policy-string";
            if (over(p.mxHost(), 100_000)) return "mx-host";
            for (FailureRow f : p.failures()) {
                if (over(f.resultType(), 1024)) return "result-type";
                if (over(f.sendingMtaIp(), 1024)) return "sending-mta-ip";
                if (over(f.receivingMxHostname(), 1024)) return "receiving-mx-hostname";
                if (over(f.receivingMxHelo(), 4000)) return "receiving-mx-helo";
                if (over(f.receivingIp(), 1024)) return "receiving-ip";
                if (over(f.additionalInformation(), 65536)) return "additional-information";
                if (over(f.failureReasonCode(), 65536)) return "failure-reason-code";
            }
        }
        return null;
    }

    private static boolean over(String s, int max) {
        return s != null && s.length() > max;
    }

    private static boolean overBytes(String s, int max) {
        return s != null && (s.length() > max || s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > max);
    }

}
