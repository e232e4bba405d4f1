package io.tlsrpt.collector.report;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.tlsrpt.collector.report.Synthetic.assertUnusable;
import static io.tlsrpt.collector.report.Synthetic.assertUnusableStartingWith;
import static io.tlsrpt.collector.report.Synthetic.parse;
import static io.tlsrpt.collector.report.Synthetic.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every ParseLimits bound is enforced, on known and unknown members alike, and named in the detail. */
class LimitsTest {
    static final int KIB64 = 64 * 1024;

    private static ParseOutcome parseWith(String json, ParseLimits limits) {
        return Synthetic.parse(json.getBytes(StandardCharsets.UTF_8), limits);
    }

    @Test
    void defaults() {
        assertEquals(new ParseLimits(64, KIB64, 10_000, 100_000, 1_000), ParseLimits.defaults());
    }

    @Test
    void limitsTooSmallToReadAnyReportAreAConfigurationError() {
        assertThrows(IllegalArgumentException.class, () -> new ParseLimits(4, 10, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ParseLimits(64, 63, 1, 1, 1));
    }

    @Test
    void deepNestingInAnUnknownMember() {
        String deep = "[".repeat(100_000);
        assertUnusableStartingWith("limit-exceeded", "maxDepth (64) in x[0][0]",
                parse(with("\"report-id\": \"r-1\",", "\"report-id\": \"r-1\", \"x\": " + deep)));
        String objects = "{\"a\":".repeat(100_000);
        assertUnusableStartingWith("limit-exceeded", "maxDepth (64) in x.a.a",
                parse(with("\"report-id\": \"r-1\",", "\"report-id\": \"r-1\", \"x\": " + objects)));
    }

    @Test
    void deepNestingAtTheTopIsNotAReport() {
        assertUnusable("wrong-type", "(root): expected object (the report), got array", parse("[".repeat(100_000)));
    }

    @Test
    void depthJustInsideTheLimitIsFine() {
        // the member itself is at depth 1 (report object); 63 more arrays make 64
        String nested = "[".repeat(63) + "]".repeat(63);
        Synthetic.parsed(with("\"report-id\": \"r-1\",", "\"report-id\": \"r-1\", \"x\": " + nested + ","));
        String over = "[".repeat(64) + "]".repeat(64);
        assertUnusableStartingWith("limit-exceeded", "maxDepth (64)",
                parse(with("\"report-id\": \"r-1\",", "\"report-id\": \"r-1\", \"x\": " + over + ",")));
    }

    @Test
    void stringLongerThanTheLimit() {
        String tooLong = "a".repeat(KIB64 + 1);
        assertUnusableStartingWith("limit-exceeded", "maxStringLength (65536)",
                parse(with("\"r-1\"", "\"" + tooLong + "\"")));
        assertUnusableStartingWith("limit-exceeded", "maxStringLength (65536)",
                parse(with("\"report-id\": \"r-1\",", "\"report-id\": \"r-1\", \"x\": [{\"y\": \"" + tooLong + "\"}],")));
        assertUnusableStartingWith("limit-exceeded", "maxStringLength (65536)",
                parse(with("\"report-id\": \"r-1\",", "\"report-id\": \"r-1\", \"" + tooLong + "\": 1,")));
        assertUnusableStartingWith("limit-exceeded", "maxStringLength (65536)",
                parse(with("\"mode: enforce\"", "\"" + tooLong + "\"")));
    }

    @Test
    void stringAtTheLimitIsKept() {
        String max = "a".repeat(KIB64);
        assertEquals(max, Synthetic.parsed(with("\"r-1\"", "\"" + max + "\"")).report().reportId());
    }

    @Test
    void smallerStringLimit() {
        ParseLimits limits = new ParseLimits(64, 64, 10, 10, 10);
        String name65 = "O".repeat(65);
        ParseOutcome o = parseWith(with("\"Example Org\"", "\"" + name65 + "\""), limits);
        assertUnusableStartingWith("limit-exceeded", "maxStringLength (64)", o);
        assertTrue(Synthetic.unusable(o).detail().contains("organization-name"), o.toString());
        ParseOutcome atLimit = parseWith(with("\"Example Org\"", "\"" + name65.substring(1) + "\""), limits);
        assertEquals(name65.substring(1), assertParsed(atLimit).report().organizationName());
    }

    @Test
    void moreFailureDetailsThanTheLimit() {
        String detail = "{\"result-type\": \"starttls-not-supported\", \"failed-session-count\": 1}";
        ParseLimits five = new ParseLimits(64, KIB64, 10, 5, 10);
        String six = with("\"failure-details\": [{", "\"failure-details\": [" + (detail + ",").repeat(5) + "{");
        assertUnusable("limit-exceeded", "maxFailureDetailsPerReport (5) at policies[0].failure-details[5]",
                parseWith(six, five));
        String fiveDetails = with("\"failure-details\": [{", "\"failure-details\": [" + (detail + ",").repeat(4) + "{");
        ParseOutcome.Parsed p = assertParsed(parseWith(fiveDetails, five));
        assertEquals(5, p.report().policies().get(0).failureDetails().size());
    }

    @Test
    void failureDetailLimitCountsAcrossPolicies() {
        ParseLimits three = new ParseLimits(64, KIB64, 10, 3, 10);
        String policy = Synthetic.REPORT.substring(Synthetic.REPORT.indexOf("{\n    \"policy\""),
                Synthetic.REPORT.lastIndexOf("]"));
        String report = with("\"policies\": [" + policy, "\"policies\": [" + policy + ", " + policy
                + ", " + policy + ", " + policy);
        assertEquals(4, assertParsed(parse(report)).report().policies().size());
        assertUnusable("limit-exceeded", "maxFailureDetailsPerReport (3) at policies[3].failure-details[0]",
                parseWith(report, three));
    }

    @Test
    void morePoliciesThanTheLimit() {
        ParseLimits two = new ParseLimits(64, KIB64, 2, 10, 10);
        String policy = Synthetic.REPORT.substring(Synthetic.REPORT.indexOf("{\n    \"policy\""),
                Synthetic.REPORT.lastIndexOf("]"));
        String three = with("\"policies\": [" + policy, "\"policies\": [" + policy + ", " + policy + ", " + policy);
        assertUnusable("limit-exceeded", "maxPolicies (2) at policies[2]", parseWith(three, two));
    }

    @Test
    void morePolicyStringLinesOrMxHostsThanTheLimit() {
        ParseLimits four = new ParseLimits(64, KIB64, 10, 10, 4);
        assertParsed(parseWith(Synthetic.REPORT, four));
        assertUnusable("limit-exceeded", "maxPolicyStringLines (4) at policies[0].policy.policy-string[4]",
                parseWith(with("\"max_age: 86400\"", "\"max_age: 86400\", \"extra\""), four));
        assertUnusable("limit-exceeded", "maxPolicyStringLines (4) at policies[0].policy.mx-host[4]",
                parseWith(with("[\"mx.example.com\"]", "[\"a\", \"b\", \"c\", \"d\", \"e\"]"), four));
    }

    @Test
    void longNumberInAnUnknownMember() {
        assertUnusableStartingWith("limit-exceeded", "maxNumberLength (100) in x",
                parse(with("\"report-id\": \"r-1\",", "\"report-id\": \"r-1\", \"x\": " + "9".repeat(101) + ",")));
        Synthetic.parsed(with("\"report-id\": \"r-1\",", "\"report-id\": \"r-1\", \"x\": " + "9".repeat(100) + ","));
    }

    private static ParseOutcome.Parsed assertParsed(ParseOutcome o) {
        return org.junit.jupiter.api.Assertions.assertInstanceOf(ParseOutcome.Parsed.class, o, () -> o.toString());
    }
}
