package io.tlsrpt.collector.dkim;

/** Bounded, single-line text for reasons and names taken from untrusted messages. */
final class Text {
    static final int MAX_REASON = 300;
    static final int MAX_NAME = 255;

    private Text() {
    }

    /**
     * Control characters (CR, LF, TAB, NUL, DEL, C1, format characters, line/paragraph separators) become spaces,
     * runs of white space one space, the result is trimmed and cut to at most {@code max} characters (ending in
     * "..." when cut). Null stays null.
     */
    static String oneLine(String s, int max) {
        if (s == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), max + 1));
        boolean space = false;
        for (int i = 0; i < s.length() && b.length() <= max; i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)
                    || Character.getType(c) == Character.FORMAT) {
                space = b.length() > 0;
                continue;
            }
            if (space) {
                b.append(' ');
                space = false;
            }
            b.append(c);
        }
        if (b.length() > max) {
            int keep = Math.max(0, max - 3);
            if (keep > 0 && Character.isHighSurrogate(b.charAt(keep - 1))) {
                keep--;
            }
            b.setLength(keep);
            b.append("...", 0, Math.min(3, max));
        }
        return b.toString();
    }

    static String reason(String s) {
        return oneLine(s, MAX_REASON);
    }

    /** A domain or selector for display: one line, bounded, null when empty. */
    static String name(String s) {
        String n = oneLine(s, MAX_NAME);
        return n == null || n.isEmpty() ? null : n;
    }
}
