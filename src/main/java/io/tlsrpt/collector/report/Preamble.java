package io.tlsrpt.collector.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;

/**
 * Looks at the first bytes before Jackson does: skips a UTF-8 byte-order mark, and turns away input that is
 * plainly not a UTF-8 JSON text with a precise reason instead of a confusing syntax error.
 */
final class Preamble {
    private static final int PEEK = 4;

    private Preamble() {
    }

    /** @return the stream positioned at the first byte after any UTF-8 BOM */
    static InputStream open(InputStream raw, Notes notes) throws IOException {
        PushbackInputStream in = new PushbackInputStream(raw, PEEK);
        byte[] head = new byte[PEEK];
        int n = 0;
        while (n < PEEK) {
            int r = in.read(head, n, PEEK - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        int skip = 0;
        // RFC 8259 §8.1 says a sender MUST NOT add a byte-order mark but a parser MAY ignore one. None of the corpus
        // senders does, but Windows tools add one to DMARC reports, and Jackson would call it an unexpected char.
        if (n >= 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF) {
            skip = 3;
            notes.add(Notes.BOM);
        }
        reject(head, skip, n);
        in.unread(head, skip, n - skip);
        return in;
    }

    private static void reject(byte[] h, int from, int n) {
        if (n - from < 2) {
            return; // one byte or none: Jackson says "empty" or reports the character
        }
        int b0 = h[from] & 0xFF;
        int b1 = h[from + 1] & 0xFF;
        // I-JSON (RFC 7493 §2.1), which RFC 8460 §4 requires, is UTF-8 only. Jackson would otherwise detect UTF-16
        // and UTF-32 silently; JSON text starts with an ASCII char, so a zero byte among the first two means a
        // wider encoding (or binary), and FE FF / FF FE is a UTF-16 byte-order mark.
        if (b0 == 0 || b1 == 0 || (b0 == 0xFE && b1 == 0xFF) || (b0 == 0xFF && b1 == 0xFE)) {
            throw new Rejection(ParseOutcome.Unusable.INVALID_UTF8,
                    "(root): UTF-16 or UTF-32 text (or binary); RFC 8460 reports are UTF-8 (I-JSON)");
        }
        // Ingest should have decompressed these; saying so beats "Illegal character (CTRL-CHAR, code 31)".
        if (b0 == 0x1F && b1 == 0x8B) {
            throw new Rejection(ParseOutcome.Unusable.NOT_JSON, "(root): gzip data (1f 8b); decompress first");
        }
        if (b0 == 'P' && b1 == 'K') {
            throw new Rejection(ParseOutcome.Unusable.NOT_JSON, "(root): zip archive (PK); extract first");
        }
    }
}
