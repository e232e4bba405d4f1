package io.tlsrpt.collector.mail;

import java.util.Arrays;

/**
 * Decodes a base64 body (RFC 2045 §6.8). Line breaks and other white space are skipped, as senders wrap at 76
 * columns (Google, RFC 8460 §5.3.1 example) or at other widths. Any other byte outside the alphabet is an
 * error: RFC 2045 §6.8 says to ignore such bytes, but in a report attachment they mean the body was damaged on
 * the way, and decoding around them would hand back corrupt data with no reason given.
 */
final class Base64Body {

    private static final int[] VALUES = new int[256];

    static {
        Arrays.fill(VALUES, -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUES[alphabet.charAt(i)] = i;
        }
    }

    private Base64Body() {
    }

    /** Decodes {@code in[from, to)}; more than {@code max} decoded bytes is an error. */
    static byte[] decode(byte[] in, int from, int to, long max) throws UnreadablePartException {
        // Four characters give at most three bytes, so this is enough unless the limit is smaller.
        long estimate = (long) (to - from) / 4 * 3 + 3;
        byte[] out = new byte[(int) Math.min(estimate, Math.min(max, Integer.MAX_VALUE - 16))];
        int n = 0;
        int quantum = 0;
        int bits = 0;
        for (int i = from; i < to; i++) {
            int c = in[i] & 0xff;
            if (c == '\r' || c == '\n' || c == ' ' || c == '\t' || c == '\f' || c == 0x0b) {
                continue;
            }
            if (c == '=') {
                // Padding ends the quantum. Decoding then goes on rather than stopping: some encoders join
                // separately encoded chunks, each with its own padding; '=' with no quantum open is skipped.
                if (quantum == 1) {
                    throw new UnreadablePartException("bad base64: padding after a single character at offset "
                            + (i - from));
                }
                quantum = 0;
                bits = 0;
                continue;
            }
            int v = VALUES[c];
            if (v < 0) {
                throw new UnreadablePartException(String.format(
                        "bad base64: unexpected byte 0x%02x at offset %d", c, i - from));
            }
            bits = bits << 6 | v;
            quantum++;
            if (quantum >= 2) {
                if (n >= max) {
                    throw new UnreadablePartException("part larger than " + max + " bytes");
                }
                out[n++] = (byte) (bits >> (2 * (4 - quantum)));
            }
            if (quantum == 4) {
                quantum = 0;
                bits = 0;
            }
        }
        if (quantum == 1) {
            throw new UnreadablePartException("bad base64: truncated (one character left over)");
        }
        // quantum 2 or 3 with no padding: RFC 4648 §3.2 lets padding be left out when the length is known.
        return n == out.length ? out : Arrays.copyOf(out, n);
    }
}
