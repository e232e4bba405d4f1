package io.tlsrpt.collector.mail;

/**
 * Bounds the header fields Angus parses for one message. Angus keeps every header line as objects of about
 * 130 bytes, so a message of short lines ("a:" and a newline, 3 bytes each) would take over 40 times its own
 * size in memory. Each header block is scanned before Angus sees it: at most {@code maxHeaderBytes} per
 * entity, {@code maxHeaderLines} lines in the whole message (real report mails have under 100 per entity) and
 * {@code maxLineLength} bytes a line ({@link MailLimits}).
 */
final class HeaderBudget {

    private final int maxBlockBytes;
    private final int maxLines;
    private final int maxLineLength;
    private int linesLeft;

    HeaderBudget(MailLimits limits) {
        this.maxBlockBytes = limits.maxHeaderBytes();
        this.maxLines = limits.maxHeaderLines();
        this.maxLineLength = limits.maxLineLength();
        this.linesLeft = maxLines;
    }

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
            if (line - start > maxBlockBytes) {
                return "header too large (more than " + maxBlockBytes + " bytes)";
            }
            if (--linesLeft < 0) {
                return "too many header lines (more than " + maxLines + " in the message)";
            }
            int eol = line;
            while (eol < to && b[eol] != '\n' && b[eol] != '\r') {
                eol++;
            }
            if (eol == line) {
                return null; // the empty line that ends the header
            }
            if (eol - line > maxLineLength) {
                return "header line too long (more than " + maxLineLength + " bytes)";
            }
            line = eol < to && b[eol] == '\r' && eol + 1 < to && b[eol + 1] == '\n' ? eol + 2 : eol + 1;
        }
        return line - start > maxBlockBytes ? "header too large (more than " + maxBlockBytes + " bytes)" : null;
    }
}
