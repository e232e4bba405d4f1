package io.tlsrpt.collector.records;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 8461 §3.2 policy parsing and §4.1 MX matching. */
class MtaStsPolicyTest {
    static final String CRLF = "version: STSv1\r\nmode: enforce\r\nmax_age: 86400\r\nmx: mx1.example.com\r\n"
            + "mx: *.example.net\r\n";

    static void assertProblem(MtaStsPolicy p, String... fragments) {
        assertTrue(p.problems().stream().anyMatch(x -> List.of(fragments).stream().allMatch(x::contains)),
                "a problem with " + List.of(fragments) + " in " + p.problems());
    }

    static void assertWarning(MtaStsPolicy p, String... fragments) {
        assertTrue(p.warnings().stream().anyMatch(x -> List.of(fragments).stream().allMatch(x::contains)),
                "a warning with " + List.of(fragments) + " in " + p.warnings());
    }

    @Test
    void aCrlfPolicyIsValid() {
        MtaStsPolicy p = MtaStsPolicy.parse(CRLF);
        assertEquals("STSv1", p.version());
        assertEquals("enforce", p.mode());
        assertEquals(86400L, p.maxAge());
        assertEquals(List.of("mx1.example.com", "*.example.net"), p.mx());
        assertEquals("CRLF", p.lineEndings());
        assertEquals(List.of("version: STSv1", "mode: enforce", "max_age: 86400", "mx: mx1.example.com",
                "mx: *.example.net"), p.lines());
        assertEquals(List.of(), p.problems());
        assertEquals(List.of(), p.warnings());
        assertTrue(p.validMode());
    }

    @Test
    void lineEndingsAreRecorded() {
        MtaStsPolicy lf = MtaStsPolicy.parse(CRLF.replace("\r\n", "\n"));
        assertEquals("LF", lf.lineEndings());
        assertEquals(List.of(), lf.problems(), "LF is accepted");
        assertWarning(lf, "LF");
        assertEquals("line-endings", MtaStsPolicy.analyse(CRLF.replace("\r\n", "\n")).issues().get(0).key());

        MtaStsPolicy mixed = MtaStsPolicy.parse("version: STSv1\r\nmode: enforce\nmax_age: 86400\r\nmx: a.example.com");
        assertEquals("mixed", mixed.lineEndings());
        assertWarning(mixed, "mix");
        assertEquals(List.of(), mixed.problems());
        assertEquals(List.of("a.example.com"), mixed.mx(), "the last line needs no line break");

        MtaStsPolicy cr = MtaStsPolicy.parse(CRLF.replace("\r\n", "\r"));
        assertEquals("CR", cr.lineEndings());
        assertProblem(cr, "bare CR");

        assertEquals("none", MtaStsPolicy.parse("version: STSv1").lineEndings());
    }

    @Test
    void maxAgeBounds() {
        assertEquals(List.of(), policy("0").problems());
        assertEquals(0L, policy("0").maxAge());
        assertWarning(policy("0"), "less than a day");
        assertWarning(policy("86399"), "line 3 (max_age)", "less than a day");
        assertEquals(List.of(), policy("86400").warnings());
        assertEquals(List.of(), policy("31557600").problems());
        assertEquals(31557600L, policy("31557600").maxAge());
        assertProblem(policy("31557601"), "line 3 (max_age)", "31557601");
        assertEquals(31557601L, policy("31557601").maxAge(), "kept as written");
        assertProblem(policy("12345678901"), "more than 10 digits");
        assertNull(policy("12345678901").maxAge());
        assertProblem(policy("-1"), "not a number");
        assertProblem(policy("1w"), "not a number");
        assertNull(policy("1w").maxAge());
        assertProblem(MtaStsPolicy.parse("version: STSv1\r\nmode: none\r\n"), "no max_age line");
    }

    static MtaStsPolicy policy(String maxAge) {
        return MtaStsPolicy.parse("version: STSv1\r\nmode: enforce\r\nmax_age: " + maxAge + "\r\nmx: a.example.com\r\n");
    }

    @Test
    void modes() {
        for (String m : List.of("enforce", "testing", "none")) {
            MtaStsPolicy p = MtaStsPolicy.parse("version: STSv1\r\nmode: " + m + "\r\nmax_age: 604800\r\n"
                    + "mx: a.example.com\r\n");
            assertEquals(m, p.mode());
            assertEquals(List.of(), p.problems(), m);
        }
        MtaStsPolicy none = MtaStsPolicy.parse("version: STSv1\r\nmode: none\r\nmax_age: 604800\r\n");
        assertEquals(List.of(), none.problems(), "mode none needs no mx");
        assertProblem(MtaStsPolicy.parse("version: STSv1\r\nmode: testing\r\nmax_age: 604800\r\n"), "no mx line");
        MtaStsPolicy upper = MtaStsPolicy.parse("version: STSv1\r\nmode: Enforce\r\nmax_age: 604800\r\nmx: a.b.c\r\n");
        assertEquals("Enforce", upper.mode());
        assertFalse(upper.validMode());
        assertProblem(upper, "line 2 (mode)", "case-sensitive");
        assertProblem(MtaStsPolicy.parse("version: STSv1\r\nmode: enforcing\r\nmax_age: 1\r\nmx: a.b.c\r\n"),
                "'enforcing' is not enforce, testing or none");
        assertProblem(MtaStsPolicy.parse("version: STSv1\r\nmax_age: 604800\r\nmx: a.b.c\r\n"), "no mode line");
    }

    @Test
    void versionAndKeys() {
        assertProblem(MtaStsPolicy.parse(CRLF.replace("STSv1", "STSv2")), "line 1 (version)", "'STSv2'");
        assertProblem(MtaStsPolicy.parse(CRLF.replace("version: STSv1\r\n", "")), "no version line");
        MtaStsPolicy p = MtaStsPolicy.parse(CRLF.replace("max_age", "max-age"));
        assertProblem(p, "line 3", "'max-age' is not 'max_age'");
        assertProblem(p, "no max_age line");
        assertProblem(MtaStsPolicy.parse(CRLF.replace("mode:", "Mode:")), "line 2", "'Mode' is not 'mode'");
        MtaStsPolicy ext = MtaStsPolicy.parse(CRLF + "comment: hello world\r\n");
        assertEquals(List.of("comment: hello world"), ext.extensions());
        assertEquals(List.of(), ext.problems(), "unknown keys are ignored");
        assertWarning(ext, "line 6", "unknown key 'comment'");
        assertProblem(MtaStsPolicy.parse(CRLF + "just text\r\n"), "line 6", "not \"key: value\"");
        assertWarning(MtaStsPolicy.parse(" " + CRLF), "line 1 starts with a space");
        assertWarning(MtaStsPolicy.parse(CRLF.replace("mode:", "mode :")), "space before ':'");
        assertProblem(MtaStsPolicy.parse("\uFEFF" + CRLF), "byte-order mark");
        assertEquals("STSv1", MtaStsPolicy.parse("\uFEFF" + CRLF).version());
        assertWarning(MtaStsPolicy.parse(CRLF + "\r\n"), "line 6 is empty");
        assertProblem(MtaStsPolicy.parse(""), "empty");
        assertProblem(MtaStsPolicy.parse(null), "empty");
    }

    @Test
    void duplicatesKeepTheFirstValue() {
        MtaStsPolicy same = MtaStsPolicy.parse(CRLF + "mode: enforce\r\n");
        assertEquals(List.of(), same.problems());
        assertWarning(same, "line 6", "mode again");
        MtaStsPolicy other = MtaStsPolicy.parse(CRLF + "mode: none\r\nmax_age: 5\r\n");
        assertEquals("enforce", other.mode());
        assertEquals(86400L, other.maxAge());
        assertProblem(other, "line 6", "senders use line 2");
        assertProblem(other, "line 7", "senders use line 3");
        assertWarning(MtaStsPolicy.parse(CRLF + "mx: MX1.example.com.\r\n"), "listed twice");
    }

    @Test
    void mxPatternsAreChecked() {
        assertProblem(MtaStsPolicy.parse(CRLF + "mx: mail*.example.com\r\n"), "line 6 (mx)", "'*'");
        assertProblem(MtaStsPolicy.parse(CRLF + "mx: *.*.example.com\r\n"), "line 6 (mx)");
        assertProblem(MtaStsPolicy.parse(CRLF + "mx: *.com\r\n"), "line 6 (mx)", "single label");
        assertProblem(MtaStsPolicy.parse(CRLF + "mx: a.example.com b.example.com\r\n"), "line 6 (mx)");
        assertProblem(MtaStsPolicy.parse(CRLF + "mx: mx_1.example.com\r\n"), "line 6 (mx)");
        assertProblem(MtaStsPolicy.parse(CRLF + "mx:\r\n"), "line 6 (mx)", "empty");
        assertWarning(MtaStsPolicy.parse(CRLF + "mx: mx9.example.com.\r\n"), "ends with a dot");
    }

    @Test
    void mxMatching() {
        assertTrue(MtaStsPolicy.mxMatches("mx1.example.com", "mx1.example.com"));
        assertTrue(MtaStsPolicy.mxMatches("MX1.Example.COM", "mx1.example.com."));
        assertTrue(MtaStsPolicy.mxMatches("mx1.example.com.", "MX1.EXAMPLE.COM"));
        assertFalse(MtaStsPolicy.mxMatches("mx1.example.com", "mx2.example.com"));
        assertTrue(MtaStsPolicy.mxMatches("*.example.com", "mail.example.com"));
        assertTrue(MtaStsPolicy.mxMatches("*.Example.com.", "MAIL.example.com"));
        assertFalse(MtaStsPolicy.mxMatches("*.example.com", "example.com"), "the wildcard needs a label");
        assertFalse(MtaStsPolicy.mxMatches("*.example.com", "foo.bar.example.com"), "exactly one label");
        assertFalse(MtaStsPolicy.mxMatches("*.mx.microsoft", "icewolf-li.h-v1.mx.microsoft"));
        assertFalse(MtaStsPolicy.mxMatches("*.example.com", "mail.example.org"));
        assertFalse(MtaStsPolicy.mxMatches("*.example.com", "mailexample.com"));
        assertFalse(MtaStsPolicy.mxMatches("mail*.example.com", "mail1.example.com"));
        assertFalse(MtaStsPolicy.mxMatches("*", "mail.example.com"));
        assertFalse(MtaStsPolicy.mxMatches("example.com", "*.example.com"));
        assertFalse(MtaStsPolicy.mxMatches(null, "a.example.com"));
        assertFalse(MtaStsPolicy.mxMatches("", ""));
    }
}
