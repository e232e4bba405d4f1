package io.tlsrpt.collector.mail;

import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.InputStream;
import java.util.Objects;

/**
 * The raw message bytes, shared by every part Angus makes from them. Angus gives each part a
 * {@code newStream} view of its content; overriding it to return this class lets the finder see where a part's
 * content lies in the one array, so nested parts are never copied (a message with 10 levels of nesting would
 * otherwise be copied 10 times).
 */
final class TrackedInput extends SharedByteArrayInputStream {

    TrackedInput(byte[] buffer, int offset, int length) {
        super(buffer, offset, length);
    }

    /**
     * Not synchronized, unlike {@code ByteArrayInputStream}'s: Angus reads headers a byte at a time, and a message is
     * read by one thread only. With the lock on every byte, parsing the header of a 5 KB report e-mail (mostly trace
     * headers) took more than half of the MIME step (BENCHMARKS.md, 2026-11-29 afternoon).
     */
    @Override
    public int read() {
        return pos < count ? buf[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (pos >= count) {
            return -1;
        }
        int n = Math.min(len, count - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public InputStream newStream(long from, long to) {
        if (from < 0) {
            throw new IllegalArgumentException("start < 0");
        }
        long end = to == -1 ? count - start : to;
        return new TrackedInput(buf, start + (int) from, (int) (end - from));
    }

    /** The whole shared array. */
    byte[] buffer() {
        return buf;
    }

    /** Where this view starts in {@link #buffer()}. */
    int from() {
        return start;
    }

    /** Where this view ends (exclusive) in {@link #buffer()}. */
    int to() {
        return count;
    }

    /** The read position in {@link #buffer()}. */
    int position() {
        return pos;
    }

    int length() {
        return count - start;
    }

    /** A view of the first {@code length} bytes of this one. */
    TrackedInput prefix(int length) {
        return new TrackedInput(buf, start, Math.min(length, length()));
    }
}
