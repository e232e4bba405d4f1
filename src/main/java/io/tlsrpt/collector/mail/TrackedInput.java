package io.tlsrpt.collector.mail;

import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.InputStream;

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
