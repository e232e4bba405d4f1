package io.tlsrpt.collector.smtp;

/** Text that goes back to the client inside an SMTP reply. */
final class Replies {
    private Replies() {
    }

    /** Printable ASCII only, at most 100 characters: a reply line must not be split or forged by the client. */
    static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 100; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }
}
