package io.tlsrpt.collector.mail;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.ZipException;

/** Checks a zip entry's CRC-32 when its end is reached, so a damaged stored entry is not taken as good. */
final class CrcCheckingInputStream extends FilterInputStream {

    private final CRC32 crc = new CRC32();
    private final long expected;
    private boolean checked;

    CrcCheckingInputStream(InputStream in, long expected) {
        super(in);
        this.expected = expected;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            crc.update(b);
        } else {
            check();
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            crc.update(b, off, n);
        } else if (n < 0) {
            check();
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(8192, Math.max(n, 1))];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void check() throws ZipException {
        if (!checked) {
            checked = true;
            if (crc.getValue() != expected) {
                throw new ZipException("corrupt zip entry: CRC-32 mismatch");
            }
        }
    }
}
