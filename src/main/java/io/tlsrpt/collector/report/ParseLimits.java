package io.tlsrpt.collector.report;

/**
 * Bounds that keep a hostile report (RFC 8460 §7: reports "may contain malicious payloads") from costing more than
 * a small, fixed amount of memory and time. Exceeding any of them makes the report unusable with code
 * {@code limit-exceeded}; nothing is silently truncated.
 *
 * @param maxDepth                   deepest nesting of arrays and objects, unknown members included (a real report
 *                                   nests 5 deep: report, policies, element, failure-details, detail)
 * @param maxStringLength            longest string or member name, in chars; at least 64, since the report's own
 *                                   member names run to 30 ("total-successful-session-count")
 * @param maxPolicies                most elements in "policies"
 * @param maxFailureDetailsPerReport most "failure-details" elements, summed over all policies of one report
 * @param maxPolicyStringLines       most lines in one "policy-string" (after unpacking) and most entries in one
 *                                   "mx-host"
 */
public record ParseLimits(int maxDepth, int maxStringLength, int maxPolicies, int maxFailureDetailsPerReport,
                          int maxPolicyStringLines) {

    public ParseLimits {
        // A limit of zero or less would make every report unusable; that is a configuration bug, not input.
        if (maxDepth < 5 || maxStringLength < 64 || maxPolicies < 1 || maxFailureDetailsPerReport < 0
                || maxPolicyStringLines < 1) {
            throw new IllegalArgumentException("parse limits too small to read any report");
        }
    }

    public static ParseLimits defaults() {
        return new ParseLimits(64, 64 * 1024, 10_000, 100_000, 1_000);
    }
}
