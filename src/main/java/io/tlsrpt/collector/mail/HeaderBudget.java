package io.tlsrpt.collector.mail;

/**
 * Bounds the header fields Angus parses for one message. Angus keeps every header line as objects of about
 * 130 bytes, so a message of short lines ("a:" and a newline, 3 bytes each) would take over 40 times its own
 * size in memory. Each header block is scanned before Angus sees it: at most {@link #MAX_BLOCK_BYTES} per
 * entity and {@link #MAX_LINES} lines in the whole message (real report mails have under 100 per entity).
 */
final class HeaderBudget {

    static final int MAX_BLOCK_BYTES = 1 << 20;
    static final int MAX_LINES = 50_000;

    private int linesLeft = MAX_LINES;

    /**
     * Takes the header block that starts at the current position of {@code in} from the budget.
     *
     * @return null when Angus may parse it, otherwise why not
     */
    String take(TrackedInput in) {
        byte[] b = in.buffer();
        int to = in.to();
        int start = in.position();
        int line = start;
        while (line < to) {
            if (line - start > MAX_BLOCK_BYTES) {
                return "header too large (more than " + MAX_BLOCK_BYTES + " bytes)";
            }
            if (--linesLeft < 0) {
                return "too many header lines (more than " + MAX_LINES + " in the message)";
            }
            int eol = line;
            while (eol < to && b[eol] != '\n' && b[eol] != '\r') {
                eol++;
            }
            if (eol == line) {
                return null; // the empty line that ends the header
            }
            line = eol < to && b[eol] == '\r' && eol + 1 < to && b[eol + 1] == '\n' ? eol + 2 : eol + 1;
        }
        return line - start > MAX_BLOCK_BYTES ? "header too large (more than " + MAX_BLOCK_BYTES + " bytes)" : null;
    }
}
