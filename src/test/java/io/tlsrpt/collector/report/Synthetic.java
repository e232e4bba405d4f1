package io.tlsrpt.collector.report;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A valid hand-written report, one member per line, and tools to spoil it one line at a time. */
final class Synthetic {
    static final String REPORT = """
            {
              "organization-name": "Example Org",
              "date-range": {
                "start-datetime": "2024-06-01T00:00:00Z",
                "end-datetime": "2024-06-01T23:59:59Z"
              },
              "contact-info": "tlsrpt@example.org",
              "report-id": "r-1",
              "policies": [{
                "policy": {
                  "policy-type": "sts",
                  "policy-string": ["version: STSv1", "mode: enforce", "mx: mx.example.com", "max_age: 86400"],
                  "policy-domain": "example.com",
                  "mx-host": ["mx.example.com"]
                },
                "summary": {
                  "total-successful-session-count": 10,
                  "total-failure-session-count": 2
                },
                "failure-details": [{
                  "result-type": "certificate-expired",
                  "sending-mta-ip": "192.0.2.1",
                  "receiving-mx-hostname": "mx.example.com",
                  "receiving-ip": "198.51.100.1",
                  "failed-session-count": 2
                }]
              }]
            }
            """;

    private Synthetic() {
    }

    /** REPORT with {@code from} replaced by {@code to}; fails the test if {@code from} is not there. */
    static String with(String from, String to) {
        return with(REPORT, from, to);
    }

    static String with(String json, String from, String to) {
        assertTrue(json.contains(from), () -> "template lacks " + from);
        return json.replace(from, to);
    }

    static ParseOutcome parse(String json) {
        return parse(json.getBytes(StandardCharsets.UTF_8), ParseLimits.defaults());
    }

    static ParseOutcome parse(byte[] json, ParseLimits limits) {
        return new ReportParser().parse(new ByteArrayInputStream(json), limits);
    }

    static ParseOutcome.Parsed parsed(String json) {
        ParseOutcome o = parse(json);
        return assertInstanceOf(ParseOutcome.Parsed.class, o, () -> "expected Parsed, got " + o);
    }

    static ParseOutcome.Unusable unusable(ParseOutcome o) {
        return assertInstanceOf(ParseOutcome.Unusable.class, o, () -> "expected Unusable, got " + o);
    }

    static void assertUnusable(String code, String detail, ParseOutcome o) {
        ParseOutcome.Unusable u = unusable(o);
        assertEquals(code, u.code(), () -> "detail was: " + u.detail());
        assertEquals(detail, u.detail());
    }

    static void assertUnusableStartingWith(String code, String detailPrefix, ParseOutcome o) {
        ParseOutcome.Unusable u = unusable(o);
        assertEquals(code, u.code(), () -> "detail was: " + u.detail());
        assertTrue(u.detail().startsWith(detailPrefix), () -> "detail was: " + u.detail());
    }
}
