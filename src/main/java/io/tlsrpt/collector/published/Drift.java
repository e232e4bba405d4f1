package io.tlsrpt.collector.published;

import java.time.LocalDate;
import java.util.List;

/**
 * What the reporters saw compared with what the domain publishes now.
 *
 * @param oldPolicies  reporters whose last reported MTA-STS policy differs from the published one
 * @param uncovered    MX hosts in failures that no mx pattern of the published policy matches
 * @param explanations failure groups that a finding of the check explains, by their positions on the page
 */
public record Drift(List<OldPolicy> oldPolicies, List<Uncovered> uncovered, List<Explanation> explanations) {
    public record OldPolicy(String organization, String policyDomain, LocalDate lastDay, List<String> reportedOnly,
                            List<String> publishedOnly) {
    }

    public record Uncovered(String mx, String resultType, long sessions) {
    }

    public record Explanation(int failure, int finding, String check) {
    }

    public boolean explains(int failure) {
        return explanations.stream().anyMatch(e -> e.failure() == failure);
    }

    public List<Integer> findingsFor(int failure) {
        return explanations.stream().filter(e -> e.failure() == failure).map(Explanation::finding).toList();
    }

    public List<Integer> failuresFor(int finding) {
        return explanations.stream().filter(e -> e.finding() == finding).map(Explanation::failure).toList();
    }

    static Drift none() {
        return new Drift(List.of(), List.of(), List.of());
    }
}
