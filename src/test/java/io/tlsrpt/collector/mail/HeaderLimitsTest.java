package io.tlsrpt.collector.mail;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The header bounds are settings (tlsrpt.limits.max-header-bytes, -lines, max-line-length), each a reason. */
class HeaderLimitsTest {
    static final String REPORT = "{\"organization-name\":\"x\"}";

    static byte[] message(String extraHeader) {
        return ("From: a@example.com\r\n" + extraHeader + "Subject: s\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: application/tlsrpt+json\r\n\r\n" + REPORT + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aHeaderLineOverTheLimitIsAReason() {
        ReportFinder finder = new ReportFinder(new MailLimits(1 << 20, 100, 5, 1 << 20, 1000, 1000));
        FoundReports ok = finder.find(message("X-Long: " + "a".repeat(900) + "\r\n"));
        assertEquals(1, ok.parts().size(), ok.problems().toString());
        FoundReports tooLong = finder.find(message("X-Long: " + "a".repeat(2000) + "\r\n"));
        assertTrue(tooLong.parts().isEmpty());
        assertTrue(tooLong.problems().toString().contains("header line too long (more than 1000 bytes)"),
                tooLong.problems().toString());
    }

    @Test
    void headerBytesAndLinesAreBoundedBySettings() {
        ReportFinder finder = new ReportFinder(new MailLimits(1 << 20, 100, 5, 2048, 100, 1000));
        FoundReports big = finder.find(message("X-A: " + "b".repeat(900) + "\r\nX-B: " + "c".repeat(900)
                + "\r\nX-C: " + "d".repeat(900) + "\r\n"));
        assertTrue(big.problems().toString().contains("header too large (more than 2048 bytes)"),
                big.problems().toString());
        FoundReports many = finder.find(message("X-N: 1\r\n".repeat(150)));
        assertTrue(many.problems().toString().contains("too many header lines (more than 100"),
                many.problems().toString());
    }
}
