package io.tlsrpt.collector.e2e;

import io.tlsrpt.collector.cli.ReportMail;
import io.tlsrpt.collector.support.Mailer;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;

/**
 * Synthetic RFC 8460 §4 reports (labelled as such: not from any real sender) with random domains, reporters, policy
 * and result types, days and counts, and the figures they must add up to, computed here independently of the
 * collector.
 */
final class SyntheticReports {
    static final String[] POLICY_TYPES = {"sts", "tlsa", "no-policy-found"};
    static final String[] RESULT_TYPES = {"starttls-not-supported", "certificate-host-mismatch",
            "certificate-expired", "certificate-not-trusted", "validation-failure", "tlsa-invalid", "dnssec-invalid",
            "dane-required", "sts-policy-fetch-error", "sts-policy-invalid", "sts-webpki-invalid",
            "x-synthetic-unknown-result"};

    private SyntheticReports() {
    }

    record Detail(String resultType, String sendingIp, String mx, String receivingIp, long sessions) {
    }

    record Policy(String type, String domain, long successful, long failed, List<Detail> details) {
    }

    record Report(String org, String reportId, LocalDate day, List<Policy> policies) {
        String json() {
            StringBuilder b = new StringBuilder();
            b.append("{\"organization-name\":\"").append(org).append("\",\"date-range\":{\"start-datetime\":\"")
                    .append(day).append("T00:00:00Z\",\"end-datetime\":\"").append(day)
                    .append("T23:59:59Z\"},\"contact-info\":\"tlsrpt@").append(org).append("\",\"report-id\":\"")
                    .append(reportId).append("\",\"policies\":[");
            for (int i = 0; i < policies.size(); i++) {
                Policy p = policies.get(i);
                b.append(i == 0 ? "" : ",").append("{\"policy\":{\"policy-type\":\"").append(p.type)
                        .append("\",\"policy-string\":[\"version: STSv1\",\"mode: enforce\"],\"policy-domain\":\"")
                        .append(p.domain).append("\",\"mx-host\":[\"mx1.").append(p.domain).append("\"]},")
                        .append("\"summary\":{\"total-successful-session-count\":").append(p.successful)
                        .append(",\"total-failure-session-count\":").append(p.failed).append("},\"failure-details\":[");
                for (int j = 0; j < p.details.size(); j++) {
                    Detail d = p.details.get(j);
                    b.append(j == 0 ? "" : ",").append("{\"result-type\":\"").append(d.resultType).append('"');
                    if (d.sendingIp != null) {
                        b.append(",\"sending-mta-ip\":\"").append(d.sendingIp).append('"');
                    }
                    if (d.mx != null) {
                        b.append(",\"receiving-mx-hostname\":\"").append(d.mx).append('"');
                    }
                    if (d.receivingIp != null) {
                        b.append(",\"receiving-ip\":\"").append(d.receivingIp).append('"');
                    }
                    b.append(",\"failed-session-count\":").append(d.sessions).append('}');
                }
                b.append("]}");
            }
            return b.append("]}").toString();
        }

        /** A report e-mail as RFC 8460 §5.3 describes it, as bytes, so that it can be sent twice exactly. */
        byte[] email() {
            try {
                Session session = Session.getInstance(new Properties());
                String domain = policies.get(0).domain;
                MimeMessage m = ReportMail.build(session, json().getBytes(StandardCharsets.UTF_8), domain, org,
                        reportId, org + "!" + domain + "!" + reportId + ".json.gz", "noreply@" + org, Mailer.RUA);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                m.writeTo(out);
                return out.toByteArray();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A random report; {@code days} is how many days back from {@code today} its day may lie. */
    static Report random(Random rnd, String reportId, LocalDate today, int days, String[] domains, String[] orgs) {
        LocalDate day = today.minusDays(1 + rnd.nextInt(days));
        List<Policy> policies = new ArrayList<>();
        int n = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            // Sometimes two policies of one report name the same domain: the report counts once for it.
            String domain = domains[rnd.nextInt(domains.length)];
            List<Detail> details = new ArrayList<>();
            int k = rnd.nextInt(5);
            long failedInDetails = 0;
            for (int j = 0; j < k; j++) {
                long sessions = 1 + rnd.nextInt(50);
                failedInDetails += sessions;
                details.add(new Detail(RESULT_TYPES[rnd.nextInt(RESULT_TYPES.length)],
                        rnd.nextInt(4) == 0 ? null : "192.0.2." + (1 + rnd.nextInt(5)),
                        rnd.nextInt(4) == 0 ? null : (rnd.nextBoolean() ? "MX1." : "mx2.") + domain,
                        rnd.nextInt(4) == 0 ? null : "198.51.100." + (1 + rnd.nextInt(3)), sessions));
            }
            // The summary usually matches the details; senders sometimes disagree with themselves (kept as sent).
            long failed = rnd.nextInt(5) == 0 ? rnd.nextInt(100) : failedInDetails;
            policies.add(new Policy(POLICY_TYPES[rnd.nextInt(POLICY_TYPES.length)], domain, rnd.nextInt(10_000),
                    failed, details));
        }
        return new Report(orgs[rnd.nextInt(orgs.length)], reportId, day, policies);
    }

    /** Per "domain day": {reports, successful, failed}, each report counted once per domain. */
    static Map<String, long[]> expectedPerDomainDay(List<Report> reports) {
        Map<String, long[]> out = new TreeMap<>();
        for (Report r : reports) {
            java.util.Set<String> counted = new java.util.HashSet<>();
            for (Policy p : r.policies) {
                long[] f = out.computeIfAbsent(p.domain + " " + r.day, k -> new long[3]);
                if (counted.add(p.domain)) {
                    f[0]++;
                }
                f[1] += p.successful;
                f[2] += p.failed;
            }
        }
        return out;
    }

    /** Per domain: {failed sessions in failure details, failure details}. */
    static Map<String, long[]> expectedFailuresPerDomain(List<Report> reports) {
        Map<String, long[]> out = new TreeMap<>();
        for (Report r : reports) {
            for (Policy p : r.policies) {
                for (Detail d : p.details) {
                    long[] f = out.computeIfAbsent(p.domain, k -> new long[2]);
                    f[0] += d.sessions;
                    f[1]++;
                }
            }
        }
        return out;
    }
}
