package io.tlsrpt.collector.report;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static io.tlsrpt.collector.report.Synthetic.parsed;
import static io.tlsrpt.collector.report.Synthetic.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each leniency real senders need: the value read, and the note that says it was needed. */
class LeniencyTest {

    private static PolicyResult firstPolicy(ParseOutcome.Parsed p) {
        return p.report().policies().get(0);
    }

    private static FailureDetail firstDetail(ParseOutcome.Parsed p) {
        return firstPolicy(p).failureDetails().get(0);
    }

    @Test
    void byteOrderMarkIsSkipped() {
        byte[] body = Synthetic.REPORT.getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        ParseOutcome o = Synthetic.parse(withBom, ParseLimits.defaults());
        ParseOutcome.Parsed p = org.junit.jupiter.api.Assertions.assertInstanceOf(ParseOutcome.Parsed.class, o);
        assertEquals("Example Org", p.report().organizationName());
        assertEquals(List.of(Notes.BOM), p.notes());
    }

    @Test
    void datesWithoutTimeZoneAreUtc() {
        ParseOutcome.Parsed p = parsed(with("00:00:00Z", "00:00:00").replace("23:59:59Z", "23:59:59"));
        assertEquals(Instant.parse("2024-06-01T00:00:00Z"), p.report().dateRange().start());
        assertEquals(Instant.parse("2024-06-01T23:59:59Z"), p.report().dateRange().end());
        assertEquals("2024-06-01T00:00:00", p.report().dateRange().startRaw());
        assertEquals("2024-06-01T23:59:59", p.report().dateRange().endRaw());
        assertEquals(List.of(Notes.NO_TIME_ZONE), p.notes());
    }

    @Test
    void spaceSeparatorFractionsOffsetsAndLowerCase() {
        ParseOutcome.Parsed p = parsed(with("2024-06-01T00:00:00Z", "2024-06-01 02:00:00.123456789123+02:00")
                .replace("2024-06-01T23:59:59Z", "2024-06-01t23:59:59.5z"));
        assertEquals(Instant.parse("2024-06-01T00:00:00.123456789Z"), p.report().dateRange().start());
        assertEquals(Instant.parse("2024-06-01T23:59:59.500Z"), p.report().dateRange().end());
        assertEquals("2024-06-01 02:00:00.123456789123+02:00", p.report().dateRange().startRaw());
        assertEquals(List.of(Notes.SPACE_SEPARATOR), p.notes());

        ParseOutcome.Parsed west = parsed(with("2024-06-01T00:00:00Z", "2024-05-31T17:00:00-07:00"));
        assertEquals(Instant.parse("2024-06-01T00:00:00Z"), west.report().dateRange().start());
        assertEquals(List.of(), west.notes());
    }

    @Test
    void leapSecondEndsTheSameDay() {
        ParseOutcome.Parsed p = parsed(with("2024-06-01T23:59:59Z", "2024-06-01T23:59:60Z"));
        assertEquals(Instant.parse("2024-06-01T23:59:59Z"), p.report().dateRange().end());
        assertEquals(List.of(Notes.LEAP_SECOND), p.notes());
    }

    @Test
    void mxHostAsStringIsOnePattern() {
        ParseOutcome.Parsed p = parsed(with("[\"mx.example.com\"]", "\"*.example.com\""));
        assertEquals(List.of("*.example.com"), firstPolicy(p).policy().mxHost());
        assertEquals(List.of(Notes.MX_HOST_STRING), p.notes());
    }

    @Test
    void mxHostAbsentNullOrEmpty() {
        assertEquals(List.of(), firstPolicy(parsed(with(",\n      \"mx-host\": [\"mx.example.com\"]", "")))
                .policy().mxHost());
        assertEquals(List.of(), firstPolicy(parsed(with("[\"mx.example.com\"]", "null"))).policy().mxHost());
        assertEquals(List.of(), firstPolicy(parsed(with("[\"mx.example.com\"]", "[]"))).policy().mxHost());
        ParseOutcome.Parsed empty = parsed(with("[\"mx.example.com\"]", "[\"\", \"mx.example.com\"]"));
        assertEquals(List.of("mx.example.com"), firstPolicy(empty).policy().mxHost());
        assertEquals(List.of(Notes.EMPTY_STRING), empty.notes());
    }

    @Test
    void mxPrefixIsKeptAsSentAndNoted() {
        ParseOutcome.Parsed p = parsed(with("[\"mx.example.com\"]", "[\"mx: mx.example.com\", \"MX:backup.example.com.\"]"));
        assertEquals(List.of("mx: mx.example.com", "MX:backup.example.com."), firstPolicy(p).policy().mxHost());
        assertEquals(List.of(Notes.MX_HOST_PREFIX), p.notes());
    }

    @Test
    void additionalInfoUriSpelling() {
        ParseOutcome.Parsed p = parsed(with("\"failed-session-count\": 2",
                "\"failed-session-count\": 2, \"additional-info-uri\": \"https://example.org/why\""));
        assertEquals("https://example.org/why", firstDetail(p).additionalInformation());
        assertEquals(List.of(Notes.ADDITIONAL_INFO_URI), p.notes());

        ParseOutcome.Parsed both = parsed(with("\"failed-session-count\": 2", "\"failed-session-count\": 2, "
                + "\"additional-info-uri\": \"https://example.org/b\", \"additional-information\": \"https://example.org/a\""));
        assertEquals("https://example.org/a", firstDetail(both).additionalInformation());
        assertEquals(List.of(), both.notes());
    }

    @Test
    void optionalMembersMissingNullOrEmpty() {
        String json = with("\"tlsrpt@example.org\"", "null")
                .replace("\"example.com\"", "\"\"")
                .replace("\"192.0.2.1\"", "null")
                .replace("\"198.51.100.1\"", "\"\"")
                .replace("\"receiving-mx-hostname\": \"mx.example.com\",", "")
                .replace("[\"version: STSv1\", \"mode: enforce\", \"mx: mx.example.com\", \"max_age: 86400\"]", "null");
        ParseOutcome.Parsed p = parsed(json);
        assertNull(p.report().contactInfo());
        assertNull(firstPolicy(p).policy().policyDomain());
        assertEquals(List.of(), firstPolicy(p).policy().policyString());
        FailureDetail d = firstDetail(p);
        assertNull(d.sendingMtaIp());
        assertNull(d.receivingIp());
        assertNull(d.receivingMxHostname());
        assertNull(d.receivingMxHelo());
        assertNull(d.failureReasonCode());
        assertEquals(List.of(Notes.EMPTY_STRING, Notes.NO_POLICY_DOMAIN, Notes.NO_CONTACT_INFO), p.notes());
    }

    @Test
    void failureDetailsMissingNullOrEmpty() {
        String detail = Synthetic.REPORT.substring(Synthetic.REPORT.indexOf(",\n    \"failure-details\""),
                Synthetic.REPORT.lastIndexOf("]\n  }]") + 1);
        assertEquals(List.of(), firstPolicy(parsed(with(detail, ""))).failureDetails());
        assertEquals(List.of(), firstPolicy(parsed(with(detail, ", \"failure-details\": null"))).failureDetails());
        assertEquals(List.of(), firstPolicy(parsed(with(detail, ", \"failure-details\": []"))).failureDetails());
    }

    @Test
    void optionalFailureFieldsAreRead() {
        ParseOutcome.Parsed p = parsed(with("\"failed-session-count\": 2", "\"failed-session-count\": 2, "
                + "\"receiving-mx-helo\": \"mx.example.com ESMTP\", \"failure-reason-code\": \"X509_V_ERR_CERT_HAS_EXPIRED\""));
        assertEquals("mx.example.com ESMTP", firstDetail(p).receivingMxHelo());
        assertEquals("X509_V_ERR_CERT_HAS_EXPIRED", firstDetail(p).failureReasonCode());
    }

    @Test
    void unknownMembersAreIgnoredAtEveryLevel() {
        String junk = "\"x-vendor\": {\"a\": [1, 2.5, true, null, {\"b\": \"c\"}], \"d\": \"e\"}, ";
        String json = with("\"organization-name\"", junk + "\"organization-name\"")
                .replace("\"start-datetime\"", junk + "\"start-datetime\"")
                .replace("\"policy\": {", junk + "\"policy\": {" + junk)
                .replace("\"total-successful-session-count\"", junk + "\"total-successful-session-count\"")
                .replace("\"result-type\"", junk + "\"result-type\"");
        ParseOutcome.Parsed p = parsed(json);
        assertEquals("Example Org", p.report().organizationName());
        assertEquals(10L, firstPolicy(p).summary().totalSuccessfulSessionCount());
        assertEquals(2L, firstDetail(p).failedSessionCount());
        assertEquals(List.of(), p.notes());
    }

    @Test
    void unknownTypesAreKeptVerbatim() {
        ParseOutcome.Parsed p = parsed(with("\"policy-type\": \"sts\"", "\"policy-type\": \"STS-v2\"")
                .replace("\"certificate-expired\"", "\"Testing\""));
        assertEquals("STS-v2", firstPolicy(p).policy().policyType().value());
        assertEquals(Optional.empty(), firstPolicy(p).policy().policyType().known());
        assertEquals("Testing", firstDetail(p).resultType().value());
        assertEquals(Optional.empty(), firstDetail(p).resultType().known());
    }

    @Test
    void countsAsDigitStrings() {
        ParseOutcome.Parsed p = parsed(with("\"failed-session-count\": 2", "\"failed-session-count\": \"12\"")
                .replace("\"total-successful-session-count\": 10", "\"total-successful-session-count\": \"0010\""));
        assertEquals(12L, firstDetail(p).failedSessionCount());
        assertEquals(10L, firstPolicy(p).summary().totalSuccessfulSessionCount());
        assertEquals(List.of(Notes.COUNT_AS_STRING), p.notes());
    }

    @Test
    void summaryCountsAreKeptAsSentEvenWhenTheyDisagree() {
        ParseOutcome.Parsed p = parsed(with("\"total-failure-session-count\": 2", "\"total-failure-session-count\": 0"));
        assertEquals(0L, firstPolicy(p).summary().totalFailureSessionCount());
        assertEquals(2L, firstDetail(p).failedSessionCount());
        ParseOutcome.Parsed none = parsed(with(",\n      \"total-failure-session-count\": 2", ""));
        assertNull(firstPolicy(none).summary().totalFailureSessionCount());
        assertEquals(List.of(Notes.NO_SUMMARY_COUNT), none.notes());
        ParseOutcome.Parsed nul = parsed(with("\"total-successful-session-count\": 10", "\"total-successful-session-count\": null"));
        assertNull(firstPolicy(nul).summary().totalSuccessfulSessionCount());
    }

    @Test
    void membersInAnyOrder() {
        String json = """
                {"policies": [{"failure-details": [{"failed-session-count": 1, "result-type": "dane-required"}],
                  "summary": {"total-failure-session-count": 1, "total-successful-session-count": 0},
                  "policy": {"policy-domain": "mx.example.com", "policy-type": "tlsa"}}],
                 "report-id": "z", "organization-name": "o", "contact-info": "c@o",
                 "date-range": {"end-datetime": "2024-06-02T00:00:00Z", "start-datetime": "2024-06-01T00:00:00Z"}}
                """;
        ParseOutcome.Parsed p = parsed(json);
        assertEquals("z", p.report().reportId());
        assertEquals("tlsa", firstPolicy(p).policy().policyType().value());
        assertEquals(ResultType.Known.DANE_REQUIRED, firstDetail(p).resultType().known().orElseThrow());
        assertTrue(p.report().dateRange().end().isAfter(p.report().dateRange().start()));
    }
}
