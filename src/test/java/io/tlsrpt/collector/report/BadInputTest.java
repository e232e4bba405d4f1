package io.tlsrpt.collector.report;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.Set;

import static io.tlsrpt.collector.report.Synthetic.assertUnusable;
import static io.tlsrpt.collector.report.Synthetic.assertUnusableStartingWith;
import static io.tlsrpt.collector.report.Synthetic.parse;
import static io.tlsrpt.collector.report.Synthetic.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Input that is not a report, or not one we can trust: an Unusable with a stable code, never an exception. */
class BadInputTest {
    static final String SUCCESS = "policies[0].summary.total-successful-session-count";
    static final String FAILED = "policies[0].failure-details[0].failed-session-count";

    private static ParseOutcome bytes(int... b) {
        byte[] a = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            a[i] = (byte) b[i];
        }
        return Synthetic.parse(a, ParseLimits.defaults());
    }

    @Test
    void empty() {
        assertUnusable("empty", "(root): no JSON value", parse(""));
        assertUnusable("empty", "(root): no JSON value", parse(" \r\n\t "));
        assertUnusable("empty", "(root): no JSON value", bytes(0xEF, 0xBB, 0xBF));
    }

    @Test
    void notJson() {
        assertUnusableStartingWith("not-json", "Unrecognized token 'hello'", parse("hello"));
        assertUnusableStartingWith("not-json", "Unexpected character ('<'", parse("<html><body>report</body></html>"));
        assertUnusable("not-json", "(root): gzip data (1f 8b); decompress first", bytes(0x1F, 0x8B, 0x08, 0x00, 0, 0));
        assertUnusable("not-json", "(root): zip archive (PK); extract first", bytes('P', 'K', 3, 4));
    }

    @Test
    void topLevelNotAnObject() {
        assertUnusable("wrong-type", "(root): expected object (the report), got array", parse("[{\"report-id\": \"x\"}]"));
        assertUnusable("wrong-type", "(root): expected object (the report), got string", parse("\"report\""));
        assertUnusable("wrong-type", "(root): expected object (the report), got null", parse("null"));
        assertUnusable("wrong-type", "(root): expected object (the report), got number", parse("42"));
    }

    @Test
    void brokenJson() {
        String json = Synthetic.REPORT;
        assertUnusableStartingWith("invalid-json", "unexpected end of input (truncated?) at line",
                parse(json.substring(0, json.length() / 2)));
        assertUnusableStartingWith("invalid-json", "(root): content after the report object at line",
                parse(json + json));
        assertUnusableStartingWith("invalid-json", "Unexpected character", parse(with("\"r-1\",", "\"r-1\",,")));
        assertUnusableStartingWith("invalid-json", "Unexpected character ('''", parse(with("\"r-1\"", "'r-1'")));
    }

    @Test
    void everyTruncationIsUnusableNeverThrown() {
        byte[] json = Synthetic.REPORT.getBytes(StandardCharsets.UTF_8);
        Set<String> expected = Set.of("empty", "invalid-json");
        for (int n = 0; n < json.length - 1; n++) { // without its final newline the report is still whole
            byte[] cut = java.util.Arrays.copyOf(json, n);
            ParseOutcome.Unusable u = Synthetic.unusable(Synthetic.parse(cut, ParseLimits.defaults()));
            assertTrue(expected.contains(u.code()), () -> "at " + cut.length + ": " + u);
        }
    }

    @Test
    void randomByteDamageNeverThrows() {
        byte[] json = Synthetic.REPORT.getBytes(StandardCharsets.UTF_8);
        Random random = new Random(8460);
        int parsed = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] damaged = json.clone();
            for (int k = 0; k < 1 + random.nextInt(4); k++) {
                damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
            }
            ParseOutcome o = Synthetic.parse(damaged, ParseLimits.defaults());
            assertNotNull(o);
            if (o instanceof ParseOutcome.Parsed) {
                parsed++;
            } else {
                String detail = ((ParseOutcome.Unusable) o).detail();
                assertTrue(detail.chars().noneMatch(Character::isISOControl), detail);
            }
        }
        assertTrue(parsed < 3000, "some damage must be detected");
    }

    private static ParseOutcome count(String value) {
        return parse(with("\"failed-session-count\": 2", "\"failed-session-count\": " + value));
    }

    @Test
    void negativeCount() {
        assertUnusable("invalid-count", SUCCESS + ": negative",
                parse(with("\"total-successful-session-count\": 10", "\"total-successful-session-count\": -1")));
        assertUnusable("invalid-count", FAILED + ": negative",
                parse(with("\"failed-session-count\": 2", "\"failed-session-count\": -2")));
    }

    @Test
    void countOutOfRangeOrNotAnInteger() {
        assertUnusable("invalid-count", FAILED + ": not an integer", count("1e30"));
        assertUnusable("invalid-count", FAILED + ": not an integer", count("1.5"));
        assertUnusable("invalid-count", FAILED + ": not an integer", count("2.0"));
        assertUnusable("invalid-count", FAILED + ": does not fit in a 64-bit integer",
                count("9223372036854775808"));
        assertUnusable("invalid-count", FAILED + ": does not fit in a 64-bit integer",
                count("\"9999999999999999999\""));
        assertUnusable("invalid-count", FAILED + ": expected a number, got boolean", count("true"));
        assertUnusable("invalid-count", FAILED + ": expected a number, got object", count("{}"));
        assertUnusable("invalid-count", FAILED + ": string that is not a non-negative integer: \"-1\"",
                count("\"-1\""));
        assertUnusable("invalid-count", FAILED + ": string that is not a non-negative integer: \" 12\"",
                count("\" 12\""));
        assertUnusable("invalid-count", FAILED + ": string that is not a non-negative integer: \"1e3\"",
                count("\"1e3\""));
        assertUnusable("invalid-count", FAILED + ": string that is not a non-negative integer: \"\"",
                count("\"\""));
    }

    @Test
    void largestLongIsAValidCount() {
        FailureDetail d = Synthetic.parsed(with("\"failed-session-count\": 2", "\"failed-session-count\": 9223372036854775807"))
                .report().policies().get(0).failureDetails().get(0);
        assertEquals(Long.MAX_VALUE, d.failedSessionCount());
    }

    @Test
    void wrongTypes() {
        assertUnusable("wrong-type", "report-id: expected string, got number", parse(with("\"r-1\"", "17")));
        assertUnusable("wrong-type", "organization-name: expected string, got array",
                parse(with("\"Example Org\"", "[\"Example Org\"]")));
        assertUnusable("wrong-type", "date-range: expected object, got string",
                parse(with("\"date-range\": {", "\"date-range\": \"2024-06-01\", \"x\": {")));
        assertUnusable("wrong-type", "policies: expected array, got object",
                parse(with("\"policies\": [{", "\"policies\": {\"x\": [{")));
        assertUnusable("wrong-type", "policies[0].failure-details: expected array, got string",
                parse(with("\"failure-details\": [{", "\"failure-details\": \"none\", \"x\": [{")));
        assertUnusable("wrong-type", "policies[0].policy.policy-string[1]: expected string, got null",
                parse(with("\"mode: enforce\"", "null")));
        assertUnusable("wrong-type", "policies[0].policy.mx-host: expected array, got number",
                parse(with("[\"mx.example.com\"]", "25")));
        assertUnusable("wrong-type", "policies[0].policy.mx-host[0]: expected string, got object",
                parse(with("[\"mx.example.com\"]", "[{\"mx\": 1}]")));
        assertUnusable("wrong-type", "policies[0].failure-details[0].sending-mta-ip: expected string, got boolean",
                parse(with("\"192.0.2.1\"", "false")));
        assertUnusable("wrong-type", "policies[1]: expected object, got string",
                parse(with("}]\n}", "}, \"policy\"]\n}")));
    }

    @Test
    void duplicateKnownMemberIsRejectedButUnknownOnesAreNot() {
        assertUnusable("duplicate-field", "report-id", parse(with("\"report-id\": \"r-1\",",
                "\"report-id\": \"r-1\", \"report-id\": \"r-2\",")));
        assertUnusable("duplicate-field", "policies[0].failure-details[0].failed-session-count",
                parse(with("\"failed-session-count\": 2", "\"failed-session-count\": 2, \"failed-session-count\": 0")));
        assertEquals("r-1", Synthetic.parsed(with("\"report-id\": \"r-1\",",
                "\"x-vendor\": 1, \"report-id\": \"r-1\", \"x-vendor\": 2,")).report().reportId());
    }

    @Test
    void invalidDates() {
        assertUnusable("invalid-date", "date-range.start-datetime: not an RFC 3339 date-time: \"2024-13-01T00:00:00Z\"",
                parse(with("2024-06-01T00:00:00Z", "2024-13-01T00:00:00Z")));
        assertUnusable("invalid-date", "date-range.end-datetime: not an RFC 3339 date-time: \"2024-02-30T23:59:59Z\"",
                parse(with("2024-06-01T23:59:59Z", "2024-02-30T23:59:59Z")));
        assertUnusable("invalid-date", "date-range.start-datetime: not an RFC 3339 date-time: \"yesterday\"",
                parse(with("2024-06-01T00:00:00Z", "yesterday")));
        assertUnusable("invalid-date", "date-range.start-datetime: not an RFC 3339 date-time: \"1717200000\"",
                parse(with("2024-06-01T00:00:00Z", "1717200000")));
        assertUnusable("invalid-date", "date-range.end-datetime: not an RFC 3339 date-time: \"2024-06-01T23:59:59+25:00\"",
                parse(with("2024-06-01T23:59:59Z", "2024-06-01T23:59:59+25:00")));
        assertUnusable("invalid-date", "date-range.end-datetime: not an RFC 3339 date-time: \"2024-06-01T23:59:59+0000\"",
                parse(with("2024-06-01T23:59:59Z", "2024-06-01T23:59:59+0000")));
    }

    @Test
    void invalidUtf8() {
        byte[] template = Synthetic.REPORT.getBytes(StandardCharsets.UTF_8);
        int at = Synthetic.REPORT.indexOf("Example Org") + 7; // the space inside the organization name
        // bad start byte, bad continuation, stray continuation, overlong '/' (2 and 3 bytes), an encoded surrogate,
        // a code point above U+10FFFF, a 5-byte form: Jackson itself lets the overlong, surrogate and >U+10FFFF ones by
        int[][] sequences = {{0xFF}, {0xC3, 0x28}, {0x80}, {0xC0, 0xAF}, {0xE0, 0x80, 0xAF}, {0xED, 0xA0, 0x80},
                {0xF4, 0x90, 0x80, 0x80}, {0xF8, 0x88, 0x80, 0x80}};
        for (int[] bad : sequences) {
            byte[] json = template.clone();
            for (int i = 0; i < bad.length; i++) {
                json[at + i] = (byte) bad[i];
            }
            assertUnusableStartingWith("invalid-utf8", "Invalid UTF-8", Synthetic.parse(json, ParseLimits.defaults()));
        }
    }

    @Test
    void inputEndingInsideACharacter() {
        byte[] json = Synthetic.REPORT.strip().getBytes(StandardCharsets.UTF_8);
        byte[] cut = java.util.Arrays.copyOf(json, json.length + 1);
        cut[json.length] = (byte) 0xE2; // first byte of a 3-byte character, then nothing
        assertUnusable("invalid-utf8", "Invalid UTF-8: input ends inside the character starting at byte " + json.length,
                Synthetic.parse(cut, ParseLimits.defaults()));
    }

    @Test
    void validMultiByteCharactersPass() {
        // 2, 3 and 4 bytes, the last code points before and after the surrogate block, and U+10FFFF itself
        String text = "\u00e9 \u20ac \ud83d\udce7 \ud7ff \ue000 \udbff\udfff";
        assertEquals(24, text.getBytes(StandardCharsets.UTF_8).length);
        ParseOutcome.Parsed p = Synthetic.parsed(with("\"Example Org\"", "\"" + text + "\""));
        assertEquals(text, p.report().organizationName());
    }

    @Test
    void utf16IsNotUtf8() {
        ParseOutcome o = Synthetic.parse(Synthetic.REPORT.getBytes(StandardCharsets.UTF_16LE), ParseLimits.defaults());
        assertUnusableStartingWith("invalid-utf8", "(root): UTF-16 or UTF-32", o);
        o = Synthetic.parse(Synthetic.REPORT.getBytes(StandardCharsets.UTF_16), ParseLimits.defaults()); // with BOM
        assertUnusableStartingWith("invalid-utf8", "(root): UTF-16 or UTF-32", o);
    }

    @Test
    void failingStreamIsAReadError() {
        InputStream broken = new InputStream() {
            private int served;

            @Override
            public int read() throws IOException {
                if (served < 10) {
                    return "{\"report-i".charAt(served++);
                }
                throw new java.util.zip.ZipException("invalid stored block lengths");
            }
        };
        ParseOutcome o = new ReportParser().parse(broken);
        assertUnusable("read-error", "ZipException: invalid stored block lengths", o);
    }

    @Test
    void runtimeExceptionFromTheStreamIsReportedNotThrown() {
        InputStream hostile = new InputStream() {
            @Override
            public int read() {
                throw new IllegalArgumentException("boom");
            }
        };
        ParseOutcome.Unusable u = Synthetic.unusable(new ReportParser().parse(hostile));
        assertEquals("internal-error", u.code());
        assertTrue(u.detail().contains("IllegalArgumentException: boom"), u.detail());
        assertFalse(u.detail().isBlank());
    }
}
