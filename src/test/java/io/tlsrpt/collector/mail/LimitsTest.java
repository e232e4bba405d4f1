package io.tlsrpt.collector.mail;

import static io.tlsrpt.collector.mail.TestMail.attachment;
import static io.tlsrpt.collector.mail.TestMail.bytes;
import static io.tlsrpt.collector.mail.TestMail.corpus;
import static io.tlsrpt.collector.mail.TestMail.json;
import static io.tlsrpt.collector.mail.TestMail.reportMessage;
import static io.tlsrpt.collector.mail.TestMail.zip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The limits themselves, and Angus settings that must not depend on System properties. */
class LimitsTest {

    @Test
    void defaults() {
        MailLimits limits = MailLimits.defaults();
        assertEquals(50L * 1024 * 1024, limits.maxReportSize());
        assertEquals(1_000, limits.maxParts());
        assertEquals(10, limits.maxDepth());
        assertThrows(IllegalArgumentException.class, () -> new MailLimits(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new MailLimits(1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new MailLimits(1, 1, -1));
    }

    /** A part bigger than the report limit is refused while decoding. */
    @Test
    void partLargerThanTheReportLimit() {
        byte[] big = bytes(json("x".repeat(500)));
        FoundReports found = new ReportFinder(new MailLimits(100, 1000, 10))
                .find(reportMessage(attachment("application/json", "big.json", big)));
        assertTrue(found.parts().isEmpty());
        assertEquals("part larger than 100 bytes", found.problems().get(0).reason());
    }

    /** Zip entries count against the part limit too. */
    @Test
    void zipEntriesCountAsParts() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            entries.put("r" + i + ".json", bytes(json("e" + i)));
        }
        FoundReports found = new ReportFinder(new MailLimits(1 << 20, 5, 10))
                .find(reportMessage(attachment("application/zip", "many.zip", zip(entries))));
        // Two MIME parts (text and zip) leave three entries.
        assertEquals(3, found.parts().size(), found::toString);
        assertEquals("too many parts (more than 5)", found.problems().get(0).reason());
    }

    /** openJson counts exactly: the limit itself passes, one byte more does not. */
    @Test
    void openJsonLimitIsExact() throws IOException {
        byte[] report = bytes(json("exact"));
        ReportPart part = new ReportPart(0, "r.json", "application/json", Format.JSON, report, null);
        try (InputStream in = part.openJson(report.length)) {
            assertEquals(report.length, in.readAllBytes().length);
        }
        ReportTooLargeException e = assertThrows(ReportTooLargeException.class, () -> {
            try (InputStream in = part.openJson(report.length - 1)) {
                in.readAllBytes();
            }
        });
        assertEquals(report.length - 1, e.limit());
        assertThrows(ReportTooLargeException.class,
                () -> new LimitedInputStream(new ByteArrayInputStream(report), 3).skip(10));
    }

    /** A header of 200,000 tiny lines is refused before Angus turns every line into objects. */
    @Test
    void headerBomb() {
        String bomb = "From: a@b.example\n" + "a:\n".repeat(200_000) + "\nbody\n";
        FoundReports found = TestMail.find(bomb);
        assertTrue(found.parts().isEmpty());
        assertEquals("too many header lines (more than 50000 in the message)", found.problems().get(0).reason());
        String parts = "From: a@b.example\nContent-Type: multipart/mixed; boundary=b\n\n"
                + ("--b\n" + "a:\n".repeat(2_000) + "\nx\n").repeat(40) + "--b--\n";
        FoundReports split = TestMail.find(parts);
        assertTrue(split.problems().stream().anyMatch(p -> p.reason().startsWith("too many header lines")
                && p.index() > 0), split::toString);
    }

    /**
     * Angus reads mail.mime.multipart.* from System properties, not from the Session: a -D flag set elsewhere
     * must not stop an unclosed multipart (tlsrpt-be test.eml) from being read.
     */
    @Test
    void independentOfAngusSystemProperties() {
        String key = "mail.mime.multipart.ignoremissingendboundary";
        String before = System.getProperty(key);
        System.setProperty(key, "false");
        try {
            FoundReports found = TestMail.find(corpus("tlsrpt-be/test.eml"));
            assertEquals(1, found.parts().size(), found::toString);
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }
}
