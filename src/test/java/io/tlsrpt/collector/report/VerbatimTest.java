package io.tlsrpt.collector.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tlsrpt.collector.report.Synthetic.parsed;
import static io.tlsrpt.collector.report.Synthetic.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Strings are data (RFC 8460 §7: reports may carry malicious payloads): kept exactly as sent, after JSON unescaping,
 * for the layers that store and display them to escape. The parser neither strips nor evaluates anything.
 */
class VerbatimTest {

    @Test
    void scriptAndHtmlAreKept() {
        String script = "<script>alert(1)</script>";
        String json = with("\"Example Org\"", "\"" + script + "\"")
                .replace("\"r-1\"", "\"<img src=x onerror=alert(1)>\"")
                .replace("\"mode: enforce\"", "\"mode: <b>enforce</b>\"")
                .replace("\"failed-session-count\": 2",
                        "\"failed-session-count\": 2, \"failure-reason-code\": \"=HYPERLINK(\\\"http://evil\\\")\"")
                .replace("\"mx.example.com\",\n", "\"javascript:alert(1)\",\n");
        ParseOutcome.Parsed p = parsed(json);
        assertEquals(script, p.report().organizationName());
        assertEquals("<img src=x onerror=alert(1)>", p.report().reportId());
        PolicyResult pr = p.report().policies().get(0);
        assertEquals("mode: <b>enforce</b>", pr.policy().policyString().get(1));
        assertEquals("=HYPERLINK(\"http://evil\")", pr.failureDetails().get(0).failureReasonCode());
        assertEquals("javascript:alert(1)", pr.failureDetails().get(0).receivingMxHostname());
    }

    @Test
    void nulAndOtherEscapedControlCharactersAreKept() {
        ParseOutcome.Parsed p = parsed(with("\"Example Org\"", "\"Ex\\u0000ample\\r\\nOrg\\u001b[31m\""));
        assertEquals("Ex\u0000ample\r\nOrg\u001b[31m", p.report().organizationName());
        assertEquals(List.of(), p.notes());
    }

    @Test
    void unicodeIsKept() {
        ParseOutcome.Parsed p = parsed(with("\"Example Org\"", "\"Pusat Pelaporan – Ünïcödé 📧 \\ud83d\\udce7\""));
        assertEquals("Pusat Pelaporan – Ünïcödé 📧 📧", p.report().organizationName());
    }

    @Test
    void loneSurrogateEscapeIsKeptAsSent() {
        ParseOutcome.Parsed p = parsed(with("\"r-1\"", "\"r-\\ud800\""));
        assertEquals("r-\ud800", p.report().reportId());
    }

    @Test
    void whitespaceAroundValuesIsKept() {
        ParseOutcome.Parsed p = parsed(with("\"r-1\"", "\" r-1 \""));
        assertEquals(" r-1 ", p.report().reportId());
    }

    @Test
    void unescapedNulByteIsNotJson() {
        ParseOutcome.Unusable u = Synthetic.unusable(Synthetic.parse(with("\"Example Org\"", "\"Ex\u0000ample\"")));
        assertEquals("invalid-json", u.code());
        assertTrue(u.detail().startsWith("Illegal unquoted character ((CTRL-CHAR, code 0))"), u.detail());
    }

    @Test
    void detailsAreSingleLineAndBounded() {
        String hostile = "\u0001\n<script>" + "x".repeat(5000);
        ParseOutcome.Unusable u = Synthetic.unusable(Synthetic.parse(hostile));
        assertEquals("not-json", u.code());
        assertTrue(u.detail().length() <= Details.MAX_CHARS + 1, u.detail());
        assertTrue(u.detail().chars().noneMatch(Character::isISOControl), u.detail());
        ParseOutcome.Unusable date = Synthetic.unusable(Synthetic.parse(with("2024-06-01T00:00:00Z", "\\n" + "9".repeat(500))));
        assertEquals("invalid-date", date.code());
        assertTrue(date.detail().length() < 200, date.detail());
        assertTrue(date.detail().chars().noneMatch(Character::isISOControl), date.detail());
    }
}
