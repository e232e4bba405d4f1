package io.tlsrpt.collector.mail;

/**
 * Mail taken from an mbox file (RFC 4155) may still start with the "From sender date" separator line, which is
 * not a header field; Angus would read it as one named "From sender ... 12". email-report-processor's
 * report.elm shows other mbox artefacts (Status, Content-Length, Lines), which are harmless header fields.
 */
final class MboxFromLine {

    private static final byte[] FROM = {'F', 'r', 'o', 'm', ' '};

    private MboxFromLine() {
    }

    /** Offset of the first byte after a leading "From " line, or 0 when there is none. */
    static int skip(byte[] raw) {
        if (raw.length < FROM.length) {
            return 0;
        }
        for (int i = 0; i < FROM.length; i++) {
            if (raw[i] != FROM[i]) {
                return 0;
            }
        }
        int next = FROM.length;
        while (next < raw.length && (raw[next] == ' ' || raw[next] == '\t')) {
            next++;
        }
        if (next < raw.length && raw[next] == ':') {
            return 0; // "From : a@b" is a From field in the obsolete syntax of RFC 5322 §4.5.6, not a separator
        }
        for (int i = next; i < raw.length; i++) {
            if (raw[i] == '\n') {
                return i + 1;
            }
        }
        return 0;
    }
}
