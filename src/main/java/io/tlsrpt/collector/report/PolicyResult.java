package io.tlsrpt.collector.report;

import java.util.List;

/**
 * One element of "policies", RFC 8460 §4.4: the policy applied, its summary and the failure details.
 *
 * @param failureDetails "failure-details"; empty when absent, null or [] (all three are seen)
 */
public record PolicyResult(Policy policy, Summary summary, List<FailureDetail> failureDetails) {
    public PolicyResult {
        failureDetails = List.copyOf(failureDetails);
    }
}
