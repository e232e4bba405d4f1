package io.tlsrpt.collector.mail;

import static io.tlsrpt.collector.mail.TestMail.bytes;
import static io.tlsrpt.collector.mail.TestMail.gzip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The sniffing shared by e-mail and HTTPS reports: content first, then file name, never type alone. */
class ReportSnifferTest {

    @Test
    void contentFirst() {
        assertEquals(Format.GZIP, ReportSniffer.sniff(gzip(bytes("{}")), null, null));
        assertEquals(Format.ZIP, ReportSniffer.sniff(bytes("PK\u0003\u0004rest"), null, "text/plain"));
        assertEquals(Format.JSON, ReportSniffer.sniff(bytes("{}"), null, null));
        assertEquals(Format.JSON, ReportSniffer.sniff(bytes(" \r\n\t{\"a\":1}"), null, null));
        assertEquals(Format.JSON, ReportSniffer.sniff(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '{'}, null, null));
        // Plain JSON under a .json.gz name (sent uncompressed, or a gateway unpacked it): the bytes win.
        assertEquals(Format.JSON, ReportSniffer.sniff(bytes("{}"), "r.json.gz", "application/tlsrpt+gzip"));
    }

    @Test
    void thenFileName() {
        byte[] unknown = bytes("\u0000\u0001 not recognisable");
        assertEquals(Format.JSON, ReportSniffer.sniff(unknown, "a.JSON", null));
        assertEquals(Format.GZIP, ReportSniffer.sniff(unknown, "a.json.gz", null));
        assertEquals(Format.GZIP, ReportSniffer.sniff(unknown, "a.gz ", null));
        assertEquals(Format.ZIP, ReportSniffer.sniff(unknown, "a.zip", null));
        assertNull(ReportSniffer.sniff(unknown, "a.txt", null));
    }

    @Test
    void declaredTypeAloneIsNotEnough() {
        assertNull(ReportSniffer.sniff(bytes("This is an aggregate TLS report"), null, "application/tlsrpt+json"));
        assertNull(ReportSniffer.sniff(bytes("<html><body>report</body></html>"), null, "text/html"));
        assertNull(ReportSniffer.sniff(bytes("[1,2]"), null, "application/json"));
        assertNull(ReportSniffer.sniff(new byte[0], null, "application/tlsrpt+gzip"));
        assertNull(ReportSniffer.sniff(null, null, null));
    }

    @Test
    void containersAreNeverReports() {
        assertNull(ReportSniffer.sniff(bytes("{}"), "a.json", "multipart/mixed"));
        assertNull(ReportSniffer.sniff(bytes("{}"), "a.json", "message/rfc822"));
    }

    @Test
    void reportTypes() {
        for (String type : new String[] {"application/tlsrpt+gzip", "application/tlsrpt+json", "application/tlsrpt",
                "application/gzip", "application/x-gzip", "application/zip", "Application/JSON"}) {
            assertTrue(ReportSniffer.isReportType(type), type);
        }
        assertFalse(ReportSniffer.isReportType("application/octet-stream"));
        assertFalse(ReportSniffer.isReportType("text/plain"));
        assertFalse(ReportSniffer.isReportType(null));
    }
}
