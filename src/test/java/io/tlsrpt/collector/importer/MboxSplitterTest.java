package io.tlsrpt.collector.importer;

import io.tlsrpt.collector.cli.MboxSplitter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Splitting mbox files: separators, the empty line before them, >From unescaping, CRLF, over-size messages. */
class MboxSplitterTest {

    static List<MboxSplitter.Message> split(String mbox, long max) throws IOException {
        List<MboxSplitter.Message> out = new ArrayList<>();
        try (MboxSplitter s = new MboxSplitter(new ByteArrayInputStream(mbox.getBytes(StandardCharsets.UTF_8)), max)) {
            MboxSplitter.Message m;
            while ((m = s.next()) != null) {
                out.add(m);
            }
        }
        return out;
    }

    static String text(MboxSplitter.Message m) {
        return new String(m.bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void splitsOnSeparatorsAfterAnEmptyLineAndUnescapesOneLevel() throws IOException {
        List<MboxSplitter.Message> m = split("""
                From a@one.example Mon Jan 12 06:00:00 2026
                Subject: one

                body
                >From here
                >>From there
                From without an empty line before is body text
                >not from

                From b@two.example Tue Jan 13 07:00:00 2026
                Subject: two

                two
                """, 1 << 20);
        assertEquals(2, m.size());
        assertEquals("a@one.example", m.get(0).sender());
        assertEquals("Subject: one\n\nbody\nFrom here\n>From there\nFrom without an empty line before is body text\n"
                + ">not from\n", text(m.get(0)));
        assertEquals("b@two.example", m.get(1).sender());
        assertEquals("Subject: two\n\ntwo\n", text(m.get(1)));
        assertEquals(2, m.get(1).index());
    }

    @Test
    void keepsCrlfAndSkipsAnOverSizeMessageButNotTheNextOne() throws IOException {
        String big = "x".repeat(50_000);
        List<MboxSplitter.Message> m = split("From a Mon Jan 12 06:00:00 2026\r\nSubject: big\r\n\r\n" + big + "\r\n\r\n"
                + "From b Mon Jan 12 06:00:00 2026\r\nSubject: small\r\n\r\nok\r\n\r\n", 1000);
        assertEquals(2, m.size());
        assertTrue(m.get(0).tooLarge());
        assertNull(m.get(0).bytes());
        assertFalse(m.get(1).tooLarge());
        assertEquals("Subject: small\r\n\r\nok\r\n", text(m.get(1)));
    }

    @Test
    void aFileWithoutSeparatorIsOneMessageAndMboxIsRecognisedByItsFirstLine() throws IOException {
        List<MboxSplitter.Message> m = split("\nSubject: alone\n\nbody\n", 1000);
        assertEquals(1, m.size());
        assertEquals("Subject: alone\n\nbody\n", text(m.get(0)));
        assertTrue(MboxSplitter.looksLikeMbox("From x@y Mon Jan 12 06:00:00 2026\n".getBytes(StandardCharsets.UTF_8)));
        assertFalse(MboxSplitter.looksLikeMbox("From: x@y\n".getBytes(StandardCharsets.UTF_8)));
        assertFalse(MboxSplitter.looksLikeMbox("From : x@y\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(0, split("", 1000).size());
    }
}
