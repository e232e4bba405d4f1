package io.tlsrpt.collector.mail;

import static io.tlsrpt.collector.mail.TestMail.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Base64BodyTest {

    private static byte[] decode(String text) throws UnreadablePartException {
        byte[] in = bytes(text);
        return Base64Body.decode(in, 0, in.length, 1 << 20);
    }

    @Test
    void matchesTheJdkOnWrappedInput() throws Exception {
        Random random = new Random(1);
        for (int length = 0; length < 300; length++) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            String wrapped = Base64.getMimeEncoder(76, "\r\n".getBytes()).encodeToString(data);
            assertArrayEquals(data, decode(wrapped + "\n\n"), "length " + length);
            String lf = Base64.getMimeEncoder(60, "\n".getBytes()).encodeToString(data);
            assertArrayEquals(data, decode(lf), "length " + length);
        }
    }

    @Test
    void missingPaddingAndJoinedChunks() throws Exception {
        assertArrayEquals(bytes("ab"), decode("YWI"));
        assertArrayEquals(bytes("a"), decode("YQ"));
        assertArrayEquals(bytes("aab"), decode("YQ==\nYWI="));
    }

    @Test
    void garbageIsAnError() {
        UnreadablePartException bad = assertThrows(UnreadablePartException.class, () -> decode("YWJj\nYW*j"));
        assertEquals("bad base64: unexpected byte 0x2a at offset 7", bad.getMessage());
        UnreadablePartException lone = assertThrows(UnreadablePartException.class, () -> decode("YWJjY"));
        assertEquals("bad base64: truncated (one character left over)", lone.getMessage());
        assertThrows(UnreadablePartException.class, () -> decode("Y==="));
    }

    @Test
    void limit() {
        byte[] in = bytes("YWJjZGVm");
        UnreadablePartException e = assertThrows(UnreadablePartException.class, () -> Base64Body.decode(in, 0, in.length, 5));
        assertEquals("part larger than 5 bytes", e.getMessage());
    }
}
