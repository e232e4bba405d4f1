package io.tlsrpt.collector.store;

/** Bounds on text that goes into bounded columns. */
final class Text {
    private Text() {
    }

    /** At most {@code max} characters; envelope and header values are display data, so clipping is safe. */
    static String clip(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        return s.substring(0, max - 1) + "…";
    }
}
