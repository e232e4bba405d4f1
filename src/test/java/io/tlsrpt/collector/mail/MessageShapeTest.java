package io.tlsrpt.collector.mail;

import static io.tlsrpt.collector.mail.TestMail.base64;
import static io.tlsrpt.collector.mail.TestMail.bytes;
import static io.tlsrpt.collector.mail.TestMail.corpus;
import static io.tlsrpt.collector.mail.TestMail.find;
import static io.tlsrpt.collector.mail.TestMail.gzip;
import static io.tlsrpt.collector.mail.TestMail.json;
import static io.tlsrpt.collector.mail.TestMail.readJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Hand-written messages in the shapes real and odd senders produce. */
class MessageShapeTest {

    private static final String REPORT_HEADER = """
            From: tlsrpt@sender.example
            Date: Mon, 01 Jan 2024 00:00:00 +0000
            Subject: Report Domain: example.com Submitter: sender.example Report-ID: <r@sender.example>
            TLS-Report-Domain: example.com
            TLS-Report-Submitter: sender.example
            MIME-Version: 1.0
            """;

    /** The report is the whole message: a base64 gzip body. */
    @Test
    void wholeMessageGzip() throws Exception {
        String mail = REPORT_HEADER + """
                Content-Type: application/tlsrpt+gzip
                Content-Transfer-Encoding: base64
                Content-Disposition: attachment; filename="sender.example!example.com!1!2.json.gz"

                """ + base64(gzip(bytes(json("whole-gz")))) + "\n";
        FoundReports found = find(mail);
        assertEquals(1, found.parts().size(), found::toString);
        ReportPart part = found.parts().get(0);
        assertEquals(Format.GZIP, part.format());
        assertEquals("sender.example!example.com!1!2.json.gz", part.fileName());
        assertTrue(readJson(part).contains("whole-gz"));
        assertEquals("example.com", found.facts().tlsReportDomain());
    }

    /** The report is the whole message: plain JSON with no Content-Type at all. */
    @Test
    void wholeMessagePlainJson() throws Exception {
        FoundReports found = find(REPORT_HEADER + "\n" + json("whole-json") + "\n");
        assertEquals(1, found.parts().size(), found::toString);
        assertEquals(Format.JSON, found.parts().get(0).format());
        assertNull(found.parts().get(0).declaredType());
        assertTrue(readJson(found.parts().get(0)).startsWith("{"));
        assertTrue(readJson(found.parts().get(0)).contains("whole-json"));
    }

    /** A report e-mail forwarded as an attachment: facts come from the inner message. */
    @Test
    void forwardedReport() throws Exception {
        String inner = new String(corpus("parsedmarc/google.com_smtp_tls_report.eml"), StandardCharsets.UTF_8);
        String mail = """
                From: admin@example.com
                To: tlsrpt@collector.example
                Subject: Fwd: Report Domain: cardinalhealth.ca Submitter: google.com Report-ID: <x@google.com>
                Message-ID: <fwd@example.com>
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="outer"

                --outer
                Content-Type: text/plain

                See the attached report.
                --outer
                Content-Type: message/rfc822
                Content-Disposition: attachment; filename="report.eml"

                """ + inner + """
                --outer--
                """;
        FoundReports found = find(mail);
        assertEquals(1, found.parts().size(), found::toString);
        assertTrue(readJson(found.parts().get(0)).contains("2024-09-03T00:00:00Z_cardinalhealth.ca"));
        MessageFacts facts = found.facts();
        assertEquals("cardinalhealth.ca", facts.tlsReportDomain());
        assertEquals("<66d83c20.050a0220.a0566.1e8dtls@google.com>", facts.messageId());
        assertEquals("noreply-smtp-tls-reporting@google.com", facts.from());
        assertEquals("cardinalhealth.ca", facts.subjectDomain());
    }

    /** A forwarded message/rfc822 that a mail client base64-encoded (RFC 2046 §5.2.1 forbids it). */
    @Test
    void forwardedReportBase64() throws Exception {
        byte[] inner = corpus("mail-auth/rpt02.eml");
        String mail = """
                From: admin@example.com
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary=b

                --b
                Content-Type: message/rfc822
                Content-Transfer-Encoding: base64

                """ + base64(inner) + """

                --b--
                """;
        FoundReports found = find(mail);
        assertEquals(1, found.parts().size(), found::toString);
        assertTrue(readJson(found.parts().get(0)).contains("2020-01-01T00:00:00Z_example.com"));
        assertEquals("example.net", found.facts().tlsReportDomain());
    }

    /** The multipart is cut off (no close delimiter, last part incomplete): earlier parts still count. */
    @Test
    void unclosedMultipart() throws Exception {
        String mail = REPORT_HEADER + """
                Content-Type: multipart/report; report-type=tlsrpt; boundary="cut"

                --cut
                Content-Type: text/plain

                Report attached.
                --cut
                Content-Type: application/tlsrpt+json
                Content-Disposition: attachment; filename="a.json"

                """ + json("before-cut") + """

                --cut
                Content-Type: application/tlsrpt+gzip
                Content-Transfer-Encoding: base64
                """;
        FoundReports found = find(mail);
        assertEquals(1, found.parts().size(), found::toString);
        assertEquals("a.json", found.parts().get(0).fileName());
        assertTrue(readJson(found.parts().get(0)).contains("before-cut"));
    }

    /** Content-Description as the only name. */
    @Test
    void contentDescriptionAsName() throws Exception {
        String mail = REPORT_HEADER + """
                Content-Type: multipart/mixed; boundary=b

                --b
                Content-Type: application/octet-stream
                Content-Description: sender.example!example.com!1!2!7.json.gz
                Content-Transfer-Encoding: base64

                """ + base64(gzip(bytes(json("desc")))) + """

                --b--
                """;
        FoundReports found = find(mail);
        assertEquals(1, found.parts().size(), found::toString);
        assertEquals("sender.example!example.com!1!2!7.json.gz", found.parts().get(0).fileName());
        assertTrue(readJson(found.parts().get(0)).contains("desc"));
    }

    /** RFC 2231 continued and percent-encoded file name; report-type quoted and before the boundary. */
    @Test
    void rfc2231FileName() throws Exception {
        String mail = REPORT_HEADER + """
                Content-Type: multipart/report; report-type="tlsrpt"; boundary="b"

                --b
                Content-Type: application/tlsrpt+gzip
                Content-Disposition: attachment;
                 filename*0*=UTF-8''google.com%21example.com;
                 filename*1*=%211%212%21001.json.gz
                Content-Transfer-Encoding: base64

                """ + base64(gzip(bytes(json("cont")))) + """

                --b--
                """;
        FoundReports found = find(mail);
        assertEquals(1, found.parts().size(), found::toString);
        assertEquals("google.com!example.com!1!2!001.json.gz", found.parts().get(0).fileName());
    }

    /** Header syntax Angus refuses (";;", unquoted spaces) still gives the type and the name. */
    @Test
    void sloppyParameters() throws Exception {
        String mail = REPORT_HEADER + """
                Content-Type: multipart/mixed;; boundary=b

                --b
                Content-Type: application/json;; name=my report.json
                Content-Disposition: attachment; filename=my report.json

                """ + json("sloppy") + """

                --b--
                """;
        FoundReports found = find(mail);
        assertEquals(1, found.parts().size(), found::toString);
        assertEquals("my report.json", found.parts().get(0).fileName());
        assertEquals("application/json", found.parts().get(0).declaredType());
    }

    /** An RFC 2047 encoded-word inside a quoted file name, as Outlook and Gmail write it. */
    @Test
    void encodedWordFileName() throws Exception {
        String mail = REPORT_HEADER + """
                Content-Type: multipart/mixed; boundary=b

                --b
                Content-Type: application/octet-stream; name="=?UTF-8?B?cmVwb3J0Lmpzb24uZ3o=?="
                Content-Transfer-Encoding: base64

                """ + base64(gzip(bytes(json("ew")))) + """

                --b--
                """;
        FoundReports found = find(mail);
        assertEquals("report.json.gz", found.parts().get(0).fileName());
    }

    /** Raw UTF-8 in a body part's header (RFC 6532) is read as UTF-8. */
    @Test
    void utf8PartHeader() throws Exception {
        String mail = REPORT_HEADER + """
                Content-Type: multipart/mixed; boundary=b

                --b
                Content-Type: application/json
                Content-Disposition: attachment; filename="rapport-été.json"

                """ + json("utf8") + """

                --b--
                """;
        FoundReports found = find(mail);
        assertEquals("rapport-été.json", found.parts().get(0).fileName());
    }

    /** Quoted-printable JSON (a gateway re-encoded it). */
    @Test
    void quotedPrintableJson() throws Exception {
        String mail = REPORT_HEADER + """
                Content-Type: multipart/mixed; boundary=b

                --b
                Content-Type: application/tlsrpt+json; name="r.json"
                Content-Transfer-Encoding: quoted-printable

                {"organization-name":"Test Org","report-id":"qp=3Did","policies":[],"contact-info":=
                "a@b.example"}
                --b--
                """;
        FoundReports found = find(mail);
        assertEquals(1, found.parts().size(), found::toString);
        String json = readJson(found.parts().get(0));
        assertTrue(json.contains("\"qp=id\""), json);
        assertTrue(json.contains("\"contact-info\":\"a@b.example\""), json);
    }

    /** No boundary parameter: like Angus, the first "--" line gives it. */
    @Test
    void missingBoundaryParameter() throws Exception {
        String mail = REPORT_HEADER + """
                Content-Type: multipart/mixed

                --xyz
                Content-Type: application/json

                """ + json("nob") + """

                --xyz--
                """;
        FoundReports found = find(mail);
        assertEquals(1, found.parts().size(), found::toString);
        assertTrue(readJson(found.parts().get(0)).contains("nob"));
    }

    /** CRLF and LF give the same result; an mbox "From " line in front is skipped. */
    @Test
    void lineEndingsAndMboxSeparator() {
        String lf = new String(corpus("mail-auth/rpt01.eml"), StandardCharsets.US_ASCII);
        FoundReports crlf = find(lf.replace("\n", "\r\n"));
        FoundReports mbox = find("From tlsrpt@mail.sender.example.com Fri May  9 16:54:30 2017\n" + lf);
        for (FoundReports found : new FoundReports[] {crlf, mbox}) {
            assertEquals(1, found.parts().size());
            assertEquals("example.net", found.facts().tlsReportDomain());
            assertEquals("tlsrpt@mail.sender.example.com", found.facts().from());
            assertTrue(found.problems().isEmpty());
        }
    }

    /** A UTF-8 BOM and white space before the JSON object. */
    @Test
    void bomBeforeJson() throws Exception {
        String mail = REPORT_HEADER + "Content-Type: application/json\n\n\uFEFF  \n" + json("bom") + "\n";
        FoundReports found = find(mail);
        assertEquals(1, found.parts().size());
        assertTrue(readJson(found.parts().get(0)).contains("bom"));
    }

    /** A Mailman digest: parts without Content-Type are message/rfc822 (RFC 2046 §5.1.5). */
    @Test
    void mailingListDigest() throws Exception {
        String inner = new String(corpus("email-report-processor/report.elm"), StandardCharsets.UTF_8);
        String mail = """
                From: list-request@lists.example
                Subject: tlsrpt Digest, Vol 1, Issue 1
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="digest-outer"

                --digest-outer
                Content-Type: text/plain

                Today's topics: 1. Report Domain: blogreen.org
                --digest-outer
                Content-Type: multipart/digest; boundary="digest-inner"

                --digest-inner

                """ + inner + """
                --digest-inner--
                --digest-outer--
                """;
        FoundReports found = find(mail);
        assertEquals(1, found.parts().size(), found::toString);
        assertTrue(readJson(found.parts().get(0)).contains("2023-02-02T00:00:00Z_blogreen.org"));
        assertEquals("blogreen.org", found.facts().tlsReportDomain());
    }

    /** Inside a tlsrpt multipart/report an unreadable octet-stream is a problem; elsewhere it is just ignored. */
    @Test
    void octetStreamInsideAndOutsideTlsReport() {
        String part = """
                --b
                Content-Type: application/octet-stream

                %PDF-1.4 not a report
                --b--
                """;
        FoundReports inside = find(REPORT_HEADER + "Content-Type: multipart/report; report-type=tlsrpt; boundary=b\n\n" + part);
        assertTrue(inside.parts().isEmpty());
        assertEquals(1, inside.problems().size(), inside::toString);
        assertEquals(1, inside.problems().get(0).index());
        FoundReports outside = find(REPORT_HEADER + "Content-Type: multipart/mixed; boundary=b\n\n" + part);
        assertTrue(outside.parts().isEmpty());
        assertTrue(outside.problems().isEmpty(), outside::toString);
    }
}
