package io.tlsrpt.collector.web.security;

/** Text a stranger sent, made safe for one log line: no control characters, at most 100 characters. */
final class LogText {
    private LogText() {
    }

    static String clean(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 100; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? '?' : c);
        }
        return s.length() > 100 ? b + "..." : b.toString();
    }
}
