package io.tlsrpt.collector.mail;

import java.nio.charset.StandardCharsets;

/**
 * Counts the body parts of a multipart before Angus parses it, so that a message with a million tiny parts is
 * cut after the allowed number instead of becoming a million objects. The delimiter rules follow Angus's
 * parser (RFC 2046 §5.1.1): a line that starts with "--" and the boundary, then optional white space; a close
 * delimiter has "--" after the boundary and ends the count.
 */
final class BoundaryScanner {

    /**
     * @param boundary the boundary (without the leading "--"), or null when none could be found
     * @param end      where Angus should stop reading, relative to the content start
     * @param exceeded true when there were more parts than allowed and the content was cut
     */
    record Cut(String boundary, int end, boolean exceeded) {
    }

    private BoundaryScanner() {
    }

    /**
     * @param boundary the boundary parameter, or null: then, like Angus, the first line starting with "--" (not
     *                 all dashes) gives it
     * @param maxParts most parts allowed
     */
    static Cut scan(TrackedInput content, String boundary, int maxParts) {
        byte[] b = content.buffer();
        int from = content.from();
        int to = content.to();
        byte[] delimiter = boundary == null ? null : ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int parts = 0;
        int line = from;
        while (line < to) {
            int eol = endOfLine(b, line, to);
            if (delimiter == null && isBoundaryLine(b, line, eol)) {
                String found = new String(b, line, trimEnd(b, line, eol) - line, StandardCharsets.ISO_8859_1);
                boundary = found.substring(2);
                delimiter = found.getBytes(StandardCharsets.ISO_8859_1);
            }
            if (delimiter != null && startsWith(b, line, eol, delimiter)) {
                int rest = line + delimiter.length;
                if (rest + 1 < eol && b[rest] == '-' && b[rest + 1] == '-' && blank(b, rest + 2, eol)) {
                    break; // close delimiter: the epilogue follows
                }
                if (blank(b, rest, eol)) {
                    parts++;
                    if (parts > maxParts) {
                        return new Cut(boundary, line - from, true);
                    }
                }
            }
            line = nextLine(b, eol, to);
        }
        return new Cut(boundary, to - from, false);
    }

    /**
     * Index of the CR or LF ending the line that starts at {@code from}, or {@code to}. Like Angus, a lone CR
     * ends a line too, so CR-only content cannot hide its parts from the count.
     */
    private static int endOfLine(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n' || b[i] == '\r') {
                return i;
            }
        }
        return to;
    }

    private static int nextLine(byte[] b, int eol, int to) {
        if (eol >= to) {
            return to;
        }
        return b[eol] == '\r' && eol + 1 < to && b[eol + 1] == '\n' ? eol + 2 : eol + 1;
    }

    /** Angus's rule for finding a missing boundary: "--" and more, not all dashes. */
    private static boolean isBoundaryLine(byte[] b, int from, int eol) {
        int end = trimEnd(b, from, eol);
        if (end - from <= 2 || b[from] != '-' || b[from + 1] != '-') {
            return false;
        }
        for (int i = from; i < end; i++) {
            if (b[i] != '-') {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] b, int from, int eol, byte[] prefix) {
        if (eol - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Only spaces and tabs from {@code from} to the end of the line. */
    private static boolean blank(byte[] b, int from, int eol) {
        for (int i = from; i < eol; i++) {
            if (b[i] != ' ' && b[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    private static int trimEnd(byte[] b, int from, int eol) {
        int end = eol;
        while (end > from && (b[end - 1] == ' ' || b[end - 1] == '\t')) {
            end--;
        }
        return end;
    }
}
