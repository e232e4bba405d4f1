package io.tlsrpt.collector.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tlsrpt.collector.report.Synthetic.assertUnusable;
import static io.tlsrpt.collector.report.Synthetic.parse;
import static io.tlsrpt.collector.report.Synthetic.with;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 8460 §4.4 members without which a report means nothing: Unusable("missing-field", path). */
class RequiredFieldsTest {
    static final String MISSING = ParseOutcome.Unusable.MISSING_FIELD;

    @Test
    void templateIsValidAndClean() {
        ParseOutcome.Parsed p = Synthetic.parsed(Synthetic.REPORT);
        assertEquals("r-1", p.report().reportId());
        assertEquals(List.of(), p.notes());
    }

    @Test
    void organizationName() {
        assertUnusable(MISSING, "organization-name", parse(with("\"organization-name\": \"Example Org\",", "")));
        assertUnusable(MISSING, "organization-name", parse(with("\"Example Org\"", "null")));
        assertUnusable(MISSING, "organization-name", parse(with("\"Example Org\"", "\"\"")));
    }

    @Test
    void reportId() {
        assertUnusable(MISSING, "report-id", parse(with("\"report-id\": \"r-1\",", "")));
        assertUnusable(MISSING, "report-id", parse(with("\"r-1\"", "null")));
        assertUnusable(MISSING, "report-id", parse(with("\"r-1\"", "\"\"")));
    }

    @Test
    void dateRange() {
        String withoutRange = with("""
                  "date-range": {
                    "start-datetime": "2024-06-01T00:00:00Z",
                    "end-datetime": "2024-06-01T23:59:59Z"
                  },
                """, "");
        assertUnusable(MISSING, "date-range", parse(withoutRange));
        assertUnusable(MISSING, "date-range", parse(with(withoutRange, "\"report-id\"", "\"date-range\": null, \"report-id\"")));
    }

    @Test
    void startAndEndDatetime() {
        assertUnusable(MISSING, "date-range.start-datetime",
                parse(with("\"start-datetime\": \"2024-06-01T00:00:00Z\",", "")));
        assertUnusable(MISSING, "date-range.end-datetime",
                parse(with(",\n    \"end-datetime\": \"2024-06-01T23:59:59Z\"", "")));
        assertUnusable(MISSING, "date-range.start-datetime", parse(with("\"2024-06-01T00:00:00Z\"", "null")));
    }

    @Test
    void policies() {
        String without = with(Synthetic.REPORT.substring(Synthetic.REPORT.indexOf("\"policies\"")), "\"policies\": []\n}");
        assertEquals(0, Synthetic.parsed(without).report().policies().size()); // an empty array is still the array
        String cut = Synthetic.REPORT.substring(0, Synthetic.REPORT.indexOf(",\n  \"policies\"")) + "\n}";
        assertUnusable(MISSING, "policies", parse(cut));
        assertUnusable(MISSING, "policies", parse(with(without, "\"policies\": []", "\"policies\": null")));
    }

    @Test
    void policyTypePolicyAndSummary() {
        assertUnusable(MISSING, "policies[0].policy.policy-type", parse(with("\"policy-type\": \"sts\",", "")));
        assertUnusable(MISSING, "policies[0].policy.policy-type", parse(with("\"policy-type\": \"sts\"", "\"policy-type\": null")));
        assertUnusable(MISSING, "policies[0].policy", parse(with("\"policy\": {", "\"policy\": null, \"x\": {")));
        assertUnusable(MISSING, "policies[0].summary", parse(with("\"summary\": {", "\"x\": {")));
    }

    @Test
    void failureDetailResultTypeAndCount() {
        assertUnusable(MISSING, "policies[0].failure-details[0].result-type",
                parse(with("\"result-type\": \"certificate-expired\",", "")));
        assertUnusable(MISSING, "policies[0].failure-details[0].failed-session-count",
                parse(with(",\n      \"failed-session-count\": 2", "")));
        assertUnusable(MISSING, "policies[0].failure-details[0].failed-session-count",
                parse(with("\"failed-session-count\": 2", "\"failed-session-count\": null")));
    }
}
