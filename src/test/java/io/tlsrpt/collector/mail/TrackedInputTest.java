package io.tlsrpt.collector.mail;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * TrackedInput reads without ByteArrayInputStream's lock; its reads must still answer what ByteArrayInputStream's
 * do, within the view and in the views Angus makes of it, since every MIME parse goes through them.
 */
class TrackedInputTest {

    private static final byte[] BYTES = "xxSubject: a\r\n\r\nbody\u00ffyy".getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void readsTheViewByteByByteAndEndsAtItsEnd() {
        TrackedInput in = new TrackedInput(BYTES, 2, BYTES.length - 4);
        StringBuilder read = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            read.append((char) b);
        }
        assertEquals("Subject: a\r\n\r\nbody\u00ff", read.toString()); // 0xff as 255, not -1
        assertEquals(-1, in.read());
        assertEquals(in.to(), in.position());
    }

    @Test
    void bulkReadsAsByteArrayInputStreamDoes() {
        TrackedInput in = new TrackedInput(BYTES, 2, 12);
        byte[] buf = new byte[20];
        assertEquals(0, in.read(buf, 3, 0));
        assertEquals(5, in.read(buf, 3, 5));
        assertArrayEquals("Subje".getBytes(StandardCharsets.US_ASCII), java.util.Arrays.copyOfRange(buf, 3, 8));
        assertEquals(7, in.read(buf, 0, 20)); // what is left of the view, not of the array
        assertEquals(-1, in.read(buf, 0, 20));
        assertEquals(-1, in.read(buf, 0, 0)); // at the end, as ByteArrayInputStream answers
        assertThrows(IndexOutOfBoundsException.class, () -> in.read(buf, 18, 5));
    }

    @Test
    void aPartsStreamIsItsOwnView() throws Exception {
        TrackedInput in = new TrackedInput(BYTES, 2, BYTES.length - 4);
        try (InputStream body = in.newStream(14, 18)) {
            assertEquals("body", new String(body.readAllBytes(), StandardCharsets.US_ASCII));
        }
        assertEquals('S', in.read()); // the parent's position is its own
    }
}
