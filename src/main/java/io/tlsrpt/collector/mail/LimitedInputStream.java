package io.tlsrpt.collector.mail;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes that come out and throws {@link ReportTooLargeException} as soon as there are more than
 * the limit. It never asks the stream below for more than one byte past the limit, so a decompressor under
 * it expands at most that much (RFC 8460 §7 and RFC 6713 §3: compression bombs).
 */
final class LimitedInputStream extends FilterInputStream {

    private static final int SKIP_BUFFER = 8192;

    private final long limit;
    private long count;

    LimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        long room = limit - count;
        int wanted = room >= len ? len : (int) room + 1;
        int n = in.read(b, off, wanted);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    /** Skipping goes through read so that skipped bytes are counted too. */
    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[SKIP_BUFFER];
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

    private void count(int n) throws ReportTooLargeException {
        count += n;
        if (count > limit) {
            throw new ReportTooLargeException(limit);
        }
    }
}
