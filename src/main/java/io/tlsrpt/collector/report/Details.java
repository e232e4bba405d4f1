package io.tlsrpt.collector.report;

/** Makes an Unusable detail safe to log: one line, bounded, no control characters (it may quote sender text). */
final class Details {
    static final int MAX_CHARS = 300;
    static final int MAX_QUOTE = 64;

    private Details() {
    }

    static String clean(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_CHARS));
        for (int i = 0; i < text.length() && b.length() < MAX_CHARS; i++) {
            char c = text.charAt(i);
            b.append(Character.isISOControl(c) ? ' ' : c);
        }
        if (text.length() > MAX_CHARS) {
            b.append('…');
        }
        return b.toString();
    }

    /** A sender's value, quoted and cut short, for "what was wrong" details. */
    static String quote(String value) {
        if (value == null) {
            return "null";
        }
        String cut = value.length() > MAX_QUOTE ? value.substring(0, MAX_QUOTE) + "…" : value;
        return "\"" + cut + "\"";
    }
}
