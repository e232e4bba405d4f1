package io.tlsrpt.collector.published;

import io.tlsrpt.collector.records.Finding;
import io.tlsrpt.collector.records.MtaStsPolicy;
import io.tlsrpt.collector.records.RecordsSnapshot;
import io.tlsrpt.collector.report.HostNames;
import io.tlsrpt.collector.store.view.FailureGroup;
import io.tlsrpt.collector.store.view.SeenPolicy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Compares the policies and failures the reporters sent with the records published now. */
final class DriftAnalyzer {
    /**
     * Which checks can explain which result types (RFC 8460 §4.3 against the findings of the check): a failure
     * group is explained by a finding of one of these checks about the same MX host (or about the domain's
     * policy, for the MTA-STS result types).
     */
    private static final Map<String, Set<String>> EXPLAINED_BY = Map.ofEntries(
            Map.entry("starttls-not-supported", Set.of("starttls.offered")),
            Map.entry("certificate-host-mismatch", Set.of("starttls.certificate-name")),
            Map.entry("certificate-expired", Set.of("starttls.certificate-expiry")),
            Map.entry("certificate-not-trusted", Set.of("starttls.certificate-trusted")),
            Map.entry("validation-failure", Set.of("starttls.certificate-trusted", "starttls.certificate-name",
                    "starttls.certificate-expiry")),
            Map.entry("tlsa-invalid", Set.of("tlsa.match")),
            Map.entry("dnssec-invalid", Set.of("tlsa.dnssec")),
            Map.entry("dane-required", Set.of("tlsa.present", "tlsa.match")),
            Map.entry("sts-policy-fetch-error", Set.of("policy.fetch", "mta-sts.record")),
            Map.entry("sts-policy-invalid", Set.of("policy.version", "policy.mode", "policy.max-age", "policy.mx",
                    "policy.content-type", "policy.id-unchanged")),
            Map.entry("sts-webpki-invalid", Set.of("policy.fetch")));
    private static final Set<String> DOMAIN_LEVEL = Set.of("sts-policy-fetch-error", "sts-policy-invalid",
            "sts-webpki-invalid");

    private DriftAnalyzer() {
    }

    static Drift analyze(RecordsSnapshot published, List<SeenPolicy> seen, List<FailureGroup> failures) {
        if (published == null) {
            return Drift.none();
        }
        return new Drift(oldPolicies(published, seen), uncovered(published, failures),
                explanations(published.findings(), failures));
    }

    private static List<Drift.OldPolicy> oldPolicies(RecordsSnapshot published, List<SeenPolicy> seen) {
        if (published.policy() == null || published.policy().status() == null
                || published.policy().status() != 200 || published.policy().body() == null) {
            return List.of();
        }
        Set<String> now = lines(published.policy().body());
        // The newest report of each reporter: seen is ordered by last day, newest first.
        Map<String, SeenPolicy> latest = new HashMap<>();
        for (SeenPolicy p : seen) {
            if ("sts".equalsIgnoreCase(p.policyType()) && p.policyString() != null
                    && p.policyDomain().equals(published.domain())) {
                latest.merge(p.organization(), p, (a, b) -> a.lastDay().isAfter(b.lastDay()) ? a : b);
            }
        }
        List<Drift.OldPolicy> old = new ArrayList<>();
        for (SeenPolicy p : latest.values()) {
            Set<String> reported = lines(p.policyString());
            if (!reported.equals(now)) {
                Set<String> reportedOnly = new LinkedHashSet<>(reported);
                reportedOnly.removeAll(now);
                Set<String> publishedOnly = new LinkedHashSet<>(now);
                publishedOnly.removeAll(reported);
                old.add(new Drift.OldPolicy(p.organization(), p.policyDomain(), p.lastDay(),
                        List.copyOf(reportedOnly), List.copyOf(publishedOnly)));
            }
        }
        old.sort((a, b) -> a.organization().compareTo(b.organization()));
        return old;
    }

    /** Policy lines compared as a set: reporters keep the file's order, or not (RFC 8460 §4.5). */
    private static Set<String> lines(String text) {
        Set<String> set = new LinkedHashSet<>();
        for (String line : text.split("\r?\n")) {
            String t = line.trim().replaceAll("\\s*:\\s*", ": ").toLowerCase(Locale.ROOT);
            if (!t.isEmpty()) {
                set.add(t);
            }
        }
        return set;
    }

    private static List<Drift.Uncovered> uncovered(RecordsSnapshot published, List<FailureGroup> failures) {
        MtaStsPolicy policy = published.mtaStsPolicy();
        if (policy == null || policy.mx().isEmpty()) {
            return List.of();
        }
        Map<String, Drift.Uncovered> byMx = new java.util.LinkedHashMap<>();
        for (FailureGroup g : failures) {
            String mx = HostNames.normalize(g.receivingMx());
            if (mx == null || mx.isEmpty() || !g.domain().equals(published.domain())) {
                continue;
            }
            boolean covered = policy.mx().stream().anyMatch(p -> MtaStsPolicy.mxMatches(p, mx));
            if (!covered) {
                byMx.merge(mx, new Drift.Uncovered(mx, g.resultType(), g.sessions()),
                        (a, b) -> new Drift.Uncovered(mx, a.resultType(), a.sessions() + b.sessions()));
            }
        }
        return List.copyOf(byMx.values());
    }

    private static List<Drift.Explanation> explanations(List<Finding> findings, List<FailureGroup> failures) {
        List<Drift.Explanation> list = new ArrayList<>();
        for (int i = 0; i < failures.size(); i++) {
            FailureGroup g = failures.get(i);
            Set<String> checks = EXPLAINED_BY.getOrDefault(g.resultType().toLowerCase(Locale.ROOT), Set.of());
            String mx = HostNames.normalize(g.receivingMx());
            for (int f = 0; f < findings.size(); f++) {
                Finding finding = findings.get(f);
                if (!checks.contains(finding.check()) || finding.severity() == io.tlsrpt.collector.records.Severity.INFO) {
                    continue;
                }
                boolean sameSubject = DOMAIN_LEVEL.contains(g.resultType())
                        || (mx != null && !mx.isEmpty() && mx.equals(HostNames.normalize(finding.subject())));
                if (sameSubject) {
                    list.add(new Drift.Explanation(i, f, finding.check()));
                }
            }
        }
        return list;
    }
}
