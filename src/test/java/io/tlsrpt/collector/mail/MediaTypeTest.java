package io.tlsrpt.collector.mail;

import static io.tlsrpt.collector.mail.TestMail.attachment;
import static io.tlsrpt.collector.mail.TestMail.bytes;
import static io.tlsrpt.collector.mail.TestMail.find;
import static io.tlsrpt.collector.mail.TestMail.gzip;
import static io.tlsrpt.collector.mail.TestMail.json;
import static io.tlsrpt.collector.mail.TestMail.readJson;
import static io.tlsrpt.collector.mail.TestMail.reportMessage;
import static io.tlsrpt.collector.mail.TestMail.zip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Each media type a report is sent with, built with Jakarta Mail. */
class MediaTypeTest {

    private record Case(String type, String fileName, Format format) {
    }

    @TestFactory
    Stream<DynamicTest> eachReportMediaType() {
        List<Case> cases = List.of(
                new Case("application/tlsrpt+gzip", "google.com!example.com!1!2!001.json.gz", Format.GZIP),
                new Case("application/tlsrpt+json", "google.com!example.com!1!2!001.json", Format.JSON),
                new Case("application/tlsrpt", "google.com!example.com!1!2!001.json", Format.JSON),
                new Case("application/gzip", "report.json.gz", Format.GZIP),
                new Case("application/x-gzip", "report.gz", Format.GZIP),
                new Case("application/zip", "report.zip", Format.ZIP),
                new Case("application/json", "report.json", Format.JSON),
                new Case("application/octet-stream", "report.json.gz", Format.GZIP));
        return cases.stream().map(c -> dynamicTest(c.type(), () -> {
            String id = "id-" + c.type();
            byte[] body = switch (c.format()) {
                case JSON -> bytes(json(id));
                case GZIP -> gzip(bytes(json(id)));
                case ZIP -> zip(Map.of("report.json", bytes(json(id))));
            };
            FoundReports found = find(reportMessage(attachment(c.type(), c.fileName(), body)));
            assertEquals(1, found.parts().size(), () -> c + " " + found);
            ReportPart part = found.parts().get(0);
            assertEquals(c.type(), part.declaredType());
            assertEquals(c.fileName(), part.fileName());
            assertEquals(c.format(), part.format());
            assertEquals(c.format() == Format.ZIP ? "report.json" : null, part.zipEntry());
            assertTrue(readJson(part).contains(id));
            assertEquals("example.com", found.facts().tlsReportDomain());
            assertTrue(found.problems().isEmpty(), found.problems()::toString);
        }));
    }

    /** The declared type does not matter when the bytes are a report: text/plain with gzip bytes. */
    @Test
    void contentDecidesOverDeclaredType() throws Exception {
        FoundReports found = find(reportMessage(attachment("text/plain", null, gzip(bytes(json("t1"))))));
        assertEquals(1, found.parts().size());
        assertEquals(Format.GZIP, found.parts().get(0).format());
        assertTrue(readJson(found.parts().get(0)).contains("t1"));
    }

    /** An octet-stream without any name, carrying gzip bytes, is found by its magic number. */
    @Test
    void octetStreamWithoutName() throws Exception {
        FoundReports found = find(reportMessage(attachment("application/octet-stream", null, gzip(bytes(json("o1"))))));
        assertEquals(1, found.parts().size());
        assertEquals(null, found.parts().get(0).fileName());
        assertTrue(readJson(found.parts().get(0)).contains("o1"));
    }

    /** A zip with two JSON entries gives one report per entry, in archive order. */
    @Test
    void zipWithTwoReports() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("first.json", bytes(json("z1")));
        entries.put("readme.txt", bytes("not a report"));
        entries.put("dir/second.json", bytes(json("z2")));
        FoundReports found = find(reportMessage(attachment("application/zip", "reports.zip", zip(entries))));
        assertEquals(2, found.parts().size(), found::toString);
        assertEquals("first.json", found.parts().get(0).zipEntry());
        assertEquals("dir/second.json", found.parts().get(1).zipEntry());
        assertEquals(1, found.parts().get(1).index());
        assertEquals("reports.zip", found.parts().get(1).fileName());
        assertTrue(readJson(found.parts().get(0)).contains("z1"));
        assertTrue(readJson(found.parts().get(1)).contains("z2"));
        assertTrue(found.problems().isEmpty());
    }

    /** A zip entry whose name is not .json but whose content is a JSON object is a report too. */
    @Test
    void zipEntryFoundByContent() throws Exception {
        byte[] zip = zip(Map.of("report.txt", bytes("\n  " + json("z3"))));
        FoundReports found = find(reportMessage(attachment("application/zip", "r.zip", zip)));
        assertEquals(1, found.parts().size());
        assertEquals("report.txt", found.parts().get(0).zipEntry());
        assertTrue(readJson(found.parts().get(0)).contains("z3"));
    }

    /** The entry name is only ever a string: "../../etc/passwd.json" is read from memory, nothing is written. */
    @Test
    void zipEntryNameIsNeverAPath() throws Exception {
        byte[] zip = zip(Map.of("../../etc/passwd.json", bytes(json("traversal"))));
        FoundReports found = find(reportMessage(attachment("application/zip", "evil.zip", zip)));
        assertEquals(1, found.parts().size());
        assertEquals("../../etc/passwd.json", found.parts().get(0).zipEntry());
        assertTrue(readJson(found.parts().get(0)).contains("traversal"));
    }

    /** Two report attachments in one message (two policy domains, or gzip and plain). */
    @Test
    void twoReportsInOneMessage() throws Exception {
        FoundReports found = find(reportMessage(
                attachment("application/tlsrpt+gzip", "a.json.gz", gzip(bytes(json("two-a")))),
                attachment("application/tlsrpt+json", "b.json", bytes(json("two-b")))));
        assertEquals(2, found.parts().size());
        assertEquals("a.json.gz", found.parts().get(0).fileName());
        assertEquals("b.json", found.parts().get(1).fileName());
        assertTrue(readJson(found.parts().get(0)).contains("two-a"));
        assertTrue(readJson(found.parts().get(1)).contains("two-b"));
    }

    /** The human-readable text part is never taken for a report. */
    @Test
    void textPartIsNotAReport() {
        FoundReports found = find(reportMessage());
        assertTrue(found.parts().isEmpty());
        assertTrue(found.problems().isEmpty());
        assertEquals("example.com", found.facts().tlsReportDomain());
    }
}
