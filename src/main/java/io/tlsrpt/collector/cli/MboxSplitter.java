package io.tlsrpt.collector.cli;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Pattern;

/**
 * Splits an mbox file (RFC 4155) into messages while reading it, one message in memory at a time. A message starts
 * at a "From " line at the start of the file or after an empty line (or one that looks like a full
 * {@code From sender Www Mmm dd hh:mm:ss yyyy} separator anywhere); the separator line is not part of the message,
 * the empty line mbox writers put before the next separator is removed, and "&gt;From " lines are unescaped
 * (mboxrd: one "&gt;" is removed from "&gt;From ", "&gt;&gt;From ", ...). Line endings are kept as they are.
 *
 * <p>A message longer than {@code maxMessageSize} is not kept: it is returned with {@link Message#tooLarge()} and
 * no bytes, and reading goes on with the next message. Lines of any length are read in bounded pieces.
 */
public final class MboxSplitter implements Closeable {
    private static final byte[] FROM = {'F', 'r', 'o', 'm', ' '};
    /** "From MAILER-DAEMON Fri Jul  8 12:08:34 2011", with or without a time zone after the time. */
    private static final Pattern SEPARATOR = Pattern.compile(
            "From \\S+ +[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]?[0-9] [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?.*[0-9]{4}\\s*");
    private static final int PIECE = 8192;

    /**
     * One message of the mbox.
     *
     * @param index     position in the file, from 1
     * @param sender    the address on its "From " separator line, or null
     * @param bytes     the message, or null when it was too large
     * @param size      its size in bytes (counted up to the limit and one past when too large)
     */
    public record Message(int index, String sender, byte[] bytes, long size) {
        public boolean tooLarge() {
            return bytes == null;
        }
    }

    private final InputStream in;
    private final long maxMessageSize;
    private final byte[] buffer = new byte[64 * 1024];
    private int bufferPos;
    private int bufferEnd;
    private boolean eof;

    private boolean atFileStart = true;
    private boolean previousBlank;
    private int index;
    private String pendingSender;
    private boolean pendingStarted;

    public MboxSplitter(InputStream in, long maxMessageSize) {
        this.in = in;
        this.maxMessageSize = maxMessageSize;
    }

    /** Whether the bytes start like an mbox file: a "From " separator line. */
    public static boolean looksLikeMbox(byte[] head) {
        if (head.length < FROM.length) {
            return false;
        }
        for (int i = 0; i < FROM.length; i++) {
            if (head[i] != FROM[i]) {
                return false;
            }
        }
        // "From : a@b" is a From field in the obsolete syntax of RFC 5322 §4.5.6, not a separator
        int next = FROM.length;
        while (next < head.length && (head[next] == ' ' || head[next] == '\t')) {
            next++;
        }
        if (next < head.length && head[next] == ':') {
            return false;
        }
        return true;
    }

    /** The next message, or null at the end of the file. */
    public Message next() throws IOException {
        Body body = new Body();
        String sender = pendingSender;
        boolean haveMessage = pendingStarted;
        pendingSender = null;
        pendingStarted = false;
        Line line = new Line();
        while (readLine(line)) {
            boolean blank = line.isBlank();
            if (line.startsWithFrom() && (atFileStart || previousBlank || SEPARATOR.matcher(line.head()).matches())) {
                atFileStart = false;
                previousBlank = false;
                if (haveMessage) {
                    pendingSender = senderOf(line.head());
                    pendingStarted = true;
                    return finish(body, sender);
                }
                sender = senderOf(line.head());
                haveMessage = true;
                continue;
            }
            if (!haveMessage) {
                if (blank) {
                    continue; // empty lines before the first separator
                }
                haveMessage = true; // no separator: the whole text is one message
            }
            atFileStart = false;
            previousBlank = blank;
            body.append(line, unescapeFrom(line));
        }
        return haveMessage ? finish(body, sender) : null;
    }

    private Message finish(Body body, String sender) {
        index++;
        previousBlank = false;
        if (body.tooLarge) {
            return new Message(index, sender, null, body.size);
        }
        byte[] bytes = body.out.toByteArray();
        // the empty line an mbox writer puts before the next separator belongs to the file, not the message
        int end = bytes.length;
        if (end >= 2 && bytes[end - 1] == '\n' && bytes[end - 2] == '\n') {
            end -= 1;
        } else if (end >= 4 && bytes[end - 1] == '\n' && bytes[end - 2] == '\r' && bytes[end - 3] == '\n'
                && bytes[end - 4] == '\r') {
            end -= 2;
        }
        if (end != bytes.length) {
            bytes = java.util.Arrays.copyOf(bytes, end);
        }
        return new Message(index, sender, bytes, bytes.length);
    }

    private static int unescapeFrom(Line line) {
        byte[] h = line.head;
        int n = line.headLength;
        int i = 0;
        while (i < n && h[i] == '>') {
            i++;
        }
        if (i == 0 || n - i < FROM.length) {
            return 0;
        }
        for (int k = 0; k < FROM.length; k++) {
            if (h[i + k] != FROM[k]) {
                return 0;
            }
        }
        return 1;
    }

    private static String senderOf(String fromLine) {
        String[] parts = fromLine.trim().split("\\s+");
        return parts.length > 1 ? parts[1] : null;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** The bytes of one message, up to the limit. */
    private final class Body {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        long size;
        boolean tooLarge;

        void append(Line line, int skip) {
            long length = line.length - skip;
            size += length;
            if (tooLarge || size > maxMessageSize) {
                tooLarge = true;
                return;
            }
            out.write(line.head, skip, line.headLength - skip);
            if (line.rest != null) {
                out.write(line.rest.toByteArray(), 0, line.rest.size());
            }
        }
    }

    /**
     * One line with its line ending: the first {@link #PIECE} bytes in {@code head}, the rest (only kept while it
     * fits the message limit) in {@code rest}.
     */
    private final class Line {
        final byte[] head = new byte[PIECE];
        int headLength;
        ByteArrayOutputStream rest;
        long length;

        String head() {
            int n = headLength;
            while (n > 0 && (head[n - 1] == '\n' || head[n - 1] == '\r')) {
                n--;
            }
            return new String(head, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
        }

        boolean startsWithFrom() {
            if (headLength < FROM.length) {
                return false;
            }
            for (int i = 0; i < FROM.length; i++) {
                if (head[i] != FROM[i]) {
                    return false;
                }
            }
            return true;
        }

        boolean isBlank() {
            return length == 1 && head[0] == '\n' || length == 2 && head[0] == '\r' && head[1] == '\n';
        }
    }

    private boolean readLine(Line line) throws IOException {
        line.headLength = 0;
        line.rest = null;
        line.length = 0;
        while (true) {
            if (bufferPos == bufferEnd) {
                if (eof || !refill()) {
                    return line.length > 0;
                }
            }
            byte b = buffer[bufferPos++];
            line.length++;
            if (line.headLength < PIECE) {
                line.head[line.headLength++] = b;
            } else if (line.length <= maxMessageSize + 1) {
                if (line.rest == null) {
                    line.rest = new ByteArrayOutputStream();
                }
                line.rest.write(b);
            }
            if (b == '\n') {
                return true;
            }
        }
    }

    private boolean refill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) {
            eof = true;
            return false;
        }
        bufferPos = 0;
        bufferEnd = n;
        return true;
    }
}
