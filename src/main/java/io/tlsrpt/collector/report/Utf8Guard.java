package io.tlsrpt.collector.report;

import java.io.CharConversionException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes bytes through while checking they are well-formed UTF-8 (RFC 3629 §4, Unicode Table 3-7). Jackson catches
 * bad start and continuation bytes, but decodes overlong forms ("C0 AF" becomes '/'), UTF-8-encoded surrogates and
 * sequences above U+10FFFF without complaint; I-JSON (RFC 7493 §2.1) allows none of them, and an overlong '<' or '/'
 * is the classic way to slip past a byte-level filter.
 */
final class Utf8Guard extends FilterInputStream {
    private int need;      // continuation bytes still expected
    private int low = 0x80;  // bounds of the next continuation byte (narrower right after E0, ED, F0, F4)
    private int high = 0xBF;
    private long offset;   // bytes seen, for the error message
    private long charStart; // offset of the multi-byte character being read

    Utf8Guard(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            atEnd();
        } else {
            check(b);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n < 0) {
            atEnd();
        }
        for (int i = 0; i < n; i++) {
            check(buf[off + i] & 0xFF);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skip is not supported while validating UTF-8");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void check(int b) throws CharConversionException {
        if (need > 0) {
            if (b < low || b > high) {
                throw invalid(b, "continuation byte");
            }
            need--;
            low = 0x80;
            high = 0xBF;
        } else if (b >= 0x80) {
            start(b);
        }
        offset++;
    }

    private void start(int b) throws CharConversionException {
        charStart = offset;
        if (b >= 0xC2 && b <= 0xDF) {
            need = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            need = 2;
            if (b == 0xE0) {
                low = 0xA0; // below is an overlong 3-byte form
            } else if (b == 0xED) {
                high = 0x9F; // above are UTF-16 surrogates D800-DFFF
            }
        } else if (b >= 0xF0 && b <= 0xF4) {
            need = 3;
            if (b == 0xF0) {
                low = 0x90; // below is an overlong 4-byte form
            } else if (b == 0xF4) {
                high = 0x8F; // above is beyond U+10FFFF
            }
        } else {
            throw invalid(b, "start byte"); // 80-BF stray continuation, C0/C1 overlong, F5-FF never valid
        }
    }

    private void atEnd() throws CharConversionException {
        if (need > 0) {
            throw new CharConversionException("Invalid UTF-8: input ends inside the character starting at byte " + charStart);
        }
    }

    private CharConversionException invalid(int b, String what) {
        return new CharConversionException(
                String.format("Invalid UTF-8 %s 0x%02x at byte %d", what, b, offset));
    }
}
