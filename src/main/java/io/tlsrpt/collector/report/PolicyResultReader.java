package io.tlsrpt.collector.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one element of "policies" (RFC 8460 §4.4): "policy", "summary" and "failure-details", in any order (Mail.ru
 * puts failure-details first). The failure details are read one element at a time and counted against
 * {@link ParseLimits#maxFailureDetailsPerReport()} across the whole report.
 */
final class PolicyResultReader {
    private final JsonCursor in;
    private final PolicyReader policyReader;
    private final FailureDetailReader detailReader;
    private int failureDetailsInReport;

    private Policy policy;
    private Summary summary;
    private List<FailureDetail> failureDetails;

    PolicyResultReader(JsonCursor in) {
        this.in = in;
        this.policyReader = new PolicyReader(in);
        this.detailReader = new FailureDetailReader(in);
    }

    /** The cursor is on the element's first token; ends on its END_OBJECT. */
    PolicyResult read() throws IOException {
        policy = null;
        summary = null;
        failureDetails = List.of();
        in.members(this::member);
        if (policy == null) {
            throw new Rejection(ParseOutcome.Unusable.MISSING_FIELD, in.path("policy"));
        }
        if (summary == null) {
            throw new Rejection(ParseOutcome.Unusable.MISSING_FIELD, in.path("summary"));
        }
        return new PolicyResult(policy, summary, failureDetails);
    }

    private boolean member(String name) throws IOException {
        switch (name) {
            case "policy":
                if (in.isNull()) {
                    throw new Rejection(ParseOutcome.Unusable.MISSING_FIELD, in.path());
                }
                policy = policyReader.read();
                return true;
            case "summary":
                if (in.isNull()) {
                    throw new Rejection(ParseOutcome.Unusable.MISSING_FIELD, in.path());
                }
                summary = summary();
                return true;
            case "failure-details":
                failureDetails = failureDetails();
                return true;
            default:
                return false;
        }
    }

    private Summary summary() throws IOException {
        Long[] counts = new Long[2];
        in.members(name -> {
            switch (name) {
                case "total-successful-session-count":
                    counts[0] = in.count();
                    return true;
                case "total-failure-session-count":
                    counts[1] = in.count();
                    return true;
                default:
                    return false;
            }
        });
        if (counts[0] == null || counts[1] == null) {
            // §4.4 requires both, but mail-auth/rpt03.json leaves total-failure-session-count out. Null, not 0:
            // "no failures" and "did not say" are different claims, and the page should show which was made.
            in.notes.add(Notes.NO_SUMMARY_COUNT);
        }
        return new Summary(counts[0], counts[1]);
    }

    private List<FailureDetail> failureDetails() throws IOException {
        // §4.4 makes failure-details optional: Google leaves it out, Mimecast/PPATK send [], so null is also "none".
        if (in.isNull()) {
            return List.of();
        }
        List<FailureDetail> out = new ArrayList<>();
        in.elements(index -> {
            if (++failureDetailsInReport > in.limits.maxFailureDetailsPerReport()) {
                throw in.limitExceeded("maxFailureDetailsPerReport", in.limits.maxFailureDetailsPerReport());
            }
            out.add(detailReader.read());
        });
        return out;
    }
}
