package io.tlsrpt.collector.report;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads the top-level report object of RFC 8460 §4.4. Members may come in any order (Mail.ru sorts them). */
final class ReportReader {
    private final JsonCursor in;
    private final PolicyResultReader policyReader;

    private String organizationName;
    private DateRange dateRange;
    private String contactInfo;
    private String reportId;
    private List<PolicyResult> policies;

    ReportReader(JsonCursor in) {
        this.in = in;
        this.policyReader = new PolicyResultReader(in);
    }

    /** The cursor is on the report's START_OBJECT; ends on its END_OBJECT. */
    TlsReport read() throws IOException {
        in.members(this::member);
        if (organizationName == null) {
            throw missing("organization-name");
        }
        if (dateRange == null) {
            throw missing("date-range");
        }
        if (reportId == null) {
            throw missing("report-id");
        }
        if (policies == null) {
            throw missing("policies");
        }
        if (contactInfo == null) {
            // §4.4 lists contact-info as required, but dmarc-report-viewer/no-contact.json (issue #71, "many
            // servers") sends null; the report is still worth its counts.
            in.notes.add(Notes.NO_CONTACT_INFO);
        }
        return new TlsReport(organizationName, dateRange, contactInfo, reportId, policies);
    }

    private boolean member(String name) throws IOException {
        switch (name) {
            case "organization-name":
                organizationName = in.requiredString();
                return true;
            case "date-range":
                dateRange = dateRange();
                return true;
            case "contact-info":
                contactInfo = in.optionalString();
                return true;
            case "report-id":
                reportId = in.requiredString();
                return true;
            case "policies":
                policies = policies();
                return true;
            default:
                return false;
        }
    }

    private DateRange dateRange() throws IOException {
        if (in.isNull()) {
            throw new Rejection(ParseOutcome.Unusable.MISSING_FIELD, in.path());
        }
        String[] raw = new String[2];
        in.members(name -> {
            switch (name) {
                case "start-datetime":
                    raw[0] = in.requiredString();
                    return true;
                case "end-datetime":
                    raw[1] = in.requiredString();
                    return true;
                default:
                    return false;
            }
        });
        if (raw[0] == null) {
            throw new Rejection(ParseOutcome.Unusable.MISSING_FIELD, in.path("start-datetime"));
        }
        if (raw[1] == null) {
            throw new Rejection(ParseOutcome.Unusable.MISSING_FIELD, in.path("end-datetime"));
        }
        Instant start = DateTimes.parse(raw[0], in.path("start-datetime"), in.notes);
        Instant end = DateTimes.parse(raw[1], in.path("end-datetime"), in.notes);
        return new DateRange(start, end, raw[0], raw[1]);
    }

    private List<PolicyResult> policies() throws IOException {
        if (in.isNull()) {
            throw new Rejection(ParseOutcome.Unusable.MISSING_FIELD, in.path());
        }
        List<PolicyResult> out = new ArrayList<>();
        in.elements(index -> {
            if (index >= in.limits.maxPolicies()) {
                throw in.limitExceeded("maxPolicies", in.limits.maxPolicies());
            }
            out.add(policyReader.read());
        });
        return out;
    }

    private Rejection missing(String field) {
        return new Rejection(ParseOutcome.Unusable.MISSING_FIELD, field);
    }
}
