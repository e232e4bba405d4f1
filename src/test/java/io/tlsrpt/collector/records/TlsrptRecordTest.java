package io.tlsrpt.collector.records;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 8460 §3 record parsing. */
class TlsrptRecordTest {

    static void assertProblem(TlsrptRecord r, String... fragments) {
        assertTrue(r.problems().stream().anyMatch(p -> List.of(fragments).stream().allMatch(p::contains)),
                "a problem with " + List.of(fragments) + " in " + r.problems());
    }

    static Issue issue(String txt, String key) {
        return TlsrptRecord.analyse(txt).issues().stream().filter(i -> i.key().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + key + " issue for " + txt));
    }

    @Test
    void theRfcExamplesAreValid() {
        TlsrptRecord a = TlsrptRecord.parse("v=TLSRPTv1;rua=mailto:reports@example.com");
        assertEquals("TLSRPTv1", a.version());
        assertEquals(List.of("mailto:reports@example.com"), a.rua());
        assertEquals(List.of(), a.problems());
        assertEquals(List.of(), a.warnings());
        assertEquals(List.of("reports@example.com"), a.mailtoAddresses());

        TlsrptRecord b = TlsrptRecord.parse("v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt");
        assertEquals(List.of("https://reporting.example.com/v1/tlsrpt"), b.rua());
        assertEquals(List.of(), b.problems());
        assertEquals(List.of(), b.mailtoAddresses());
    }

    @Test
    void commaListsSeveralRuaFieldsExtensionsAndATrailingSemicolon() {
        TlsrptRecord r = TlsrptRecord.parse(
                "v=TLSRPTv1; rua=mailto:a@example.com , https://r.example.com/x;ext_1=val; rua=mailto:B@Example.com;");
        assertEquals(List.of("mailto:a@example.com", "https://r.example.com/x", "mailto:B@Example.com"), r.rua());
        assertEquals(List.of("ext_1=val"), r.extensions());
        assertEquals(List.of(), r.problems());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("2 rua fields")), r.warnings().toString());
        assertEquals(List.of("a@example.com", "b@example.com"), r.mailtoAddresses());
    }

    @Test
    void percentEncodedAddressesAreDecoded() {
        TlsrptRecord r = TlsrptRecord.parse("v=TLSRPTv1; rua=mailto:tls%2Brpt@example.com?subject=x");
        assertEquals(List.of(), r.problems());
        assertEquals(List.of("tls+rpt@example.com"), r.mailtoAddresses());
    }

    @Test
    void spaceBeforeTheSemicolonIsAWarning() {
        TlsrptRecord r = TlsrptRecord.parse("v=TLSRPTv1 ; rua=mailto:a@example.com");
        assertEquals("TLSRPTv1", r.version());
        assertEquals(List.of(), r.problems());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("space between v=TLSRPTv1 and ';'")));
        assertTrue(TlsrptRecord.isTlsrpt("v=TLSRPTv1 ; rua=mailto:a@example.com"));
    }

    @Test
    void versionTyposAreRecognised() {
        for (String v : List.of("TSLRPTv1", "TLSRPTV1", "tlsrptv1", "TLSRTPv1", "TLSRPT1", "TLSRPTv2")) {
            String txt = "v=" + v + "; rua=mailto:a@example.com";
            assertFalse(TlsrptRecord.isTlsrpt(txt), v);
            assertTrue(TlsrptRecord.isVersionTypo(txt), v);
            TlsrptRecord r = TlsrptRecord.parse(txt);
            assertEquals(v, r.version());
            assertProblem(r, "field 1 (v)", v, "typo");
            assertEquals(List.of("mailto:a@example.com"), r.rua(), "the rest is still read");
            assertTrue(issue(txt, "version-typo").error());
        }
        assertFalse(TlsrptRecord.isVersionTypo("v=spf1 -all"));
        assertFalse(TlsrptRecord.isVersionTypo("v=STSv1; id=1"));
        assertFalse(TlsrptRecord.isVersionTypo("v=TLSRPTv1; rua=mailto:a@example.com"));
        assertProblem(TlsrptRecord.parse("v=STSv1; rua=mailto:a@example.com"), "MTA-STS");
    }

    @Test
    void theVersionMustComeFirst() {
        TlsrptRecord r = TlsrptRecord.parse("rua=mailto:a@example.com; v=TLSRPTv1");
        assertProblem(r, "must begin with v=TLSRPTv1");
        assertProblem(r, "field 2", "first");
        assertFalse(TlsrptRecord.isTlsrpt(r.raw()));
        assertProblem(TlsrptRecord.parse("V=TLSRPTv1; rua=mailto:a@example.com"), "must begin with v=TLSRPTv1");
        assertProblem(TlsrptRecord.parse("v=TLSRPTv1; v=TLSRPTv1; rua=mailto:a@example.com"), "field 2",
                "second v");
    }

    @Test
    void ruaIsRequired() {
        TlsrptRecord r = TlsrptRecord.parse("v=TLSRPTv1");
        assertProblem(r, "no rua field");
        assertTrue(TlsrptRecord.isTlsrpt("v=TLSRPTv1"));
        assertProblem(TlsrptRecord.parse("v=TLSRPTv1; ruf=mailto:a@example.com"), "no rua field");
        assertEquals("rua", issue("v=TLSRPTv1", "rua").key());
    }

    @Test
    void everyUriIsChecked() {
        assertProblem(TlsrptRecord.parse("v=TLSRPTv1; rua=http://example.com/r"), "field 2 (rua), URI 1",
                "https");
        assertProblem(TlsrptRecord.parse("v=TLSRPTv1; rua=mailto:a@example.com,ftp://x.example.com"),
                "field 2 (rua), URI 2", "scheme 'ftp:'");
        assertProblem(TlsrptRecord.parse("v=TLSRPTv1; rua=a@example.com"), "no scheme", "mailto:a@example.com");
        assertProblem(TlsrptRecord.parse("v=TLSRPTv1; rua=mailto:example.com"), "local-part@domain");
        assertProblem(TlsrptRecord.parse("v=TLSRPTv1; rua=mailto:a@exa_mple.com"), "domain is not valid");
        assertProblem(TlsrptRecord.parse("v=TLSRPTv1; rua=mailto:a@example.com!10m"), "'!' must be percent-encoded");
        assertProblem(TlsrptRecord.parse("v=TLSRPTv1; rua=mailto:a@example.com,"), "URI 2 is empty");
        assertProblem(TlsrptRecord.parse("v=TLSRPTv1; rua=https:///nohost"), "no host");
        assertProblem(TlsrptRecord.parse("v=TLSRPTv1; rua=mailto:a%ZZ@example.com"), "percent-encoding");
        assertProblem(TlsrptRecord.parse("v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@@example.com"),
                "field 3 (rua), URI 1");
        assertProblem(TlsrptRecord.parse("v=TLSRPTv1; RUA=mailto:a@example.com"), "lower case 'rua'");
        TlsrptRecord dup = TlsrptRecord.parse("v=TLSRPTv1; rua=mailto:a@example.com,mailto:A@example.com");
        assertTrue(dup.warnings().stream().anyMatch(w -> w.contains("listed twice")));
    }

    @Test
    void malformedFieldsAreReportedWithTheirPlace() {
        assertProblem(TlsrptRecord.parse("v=TLSRPTv1; rua=mailto:a@example.com; junk"), "field 3", "name=value");
        assertProblem(TlsrptRecord.parse("v=TLSRPTv1; rua = mailto:a@example.com"), "field 2", "spaces around '='");
        assertProblem(TlsrptRecord.parse("v=TLSRPTv1; rua=mailto:a@example.com; -x=1"), "field 3",
                "not a valid field name");
        assertProblem(TlsrptRecord.parse("v=TLSRPTv1; rua=mailto:a@example.com; x=a=b"), "field 3 (x)");
        assertTrue(TlsrptRecord.parse("v=TLSRPTv1;; rua=mailto:a@example.com").warnings().stream()
                .anyMatch(w -> w.contains("field 2 is empty")));
        assertProblem(TlsrptRecord.parse("v=TLSRPTv1; rua=mailto:a@example.com; x=\u00e9"), "not printable US-ASCII");
        assertProblem(TlsrptRecord.parse(""), "empty");
        assertProblem(TlsrptRecord.parse(null), "empty");
        assertNull(TlsrptRecord.parse("").version());
    }

    @Test
    void aHugeRecordGivesABoundedList() {
        StringBuilder b = new StringBuilder("v=TLSRPTv1; rua=");
        for (int i = 0; i < 500; i++) {
            b.append("bad").append(i).append(',');
        }
        TlsrptRecord r = TlsrptRecord.parse(b.toString());
        assertTrue(r.problems().size() <= Issue.Collector.MAX + 1, "problems: " + r.problems().size());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("more problems")));
    }

    @Test
    void aMultiStringTxtRecordIsParsedAsOneString() {
        // Resolver joins the strings of one TXT record without spaces (RFC 7208 §3.3): the parser sees one text.
        String joined = String.join("", List.of("v=TLSRPTv1; rua=mailto:tls", "rpt@example.com"));
        assertEquals(List.of("mailto:tlsrpt@example.com"), TlsrptRecord.parse(joined).rua());
    }
}
