package io.tlsrpt.collector.mail;

/**
 * Bounds that keep reading one e-mail cheap, whatever the sender put in it.
 *
 * @param maxReportSize most bytes one report may have once decompressed; it also caps the decoded
 *                      size of any single MIME part (a compressed report is never bigger than its JSON)
 * @param maxParts      most MIME body parts (and zip entries) looked at in one message
 * @param maxDepth      most levels of multipart and message/rfc822 nesting below the message itself
 * @param maxHeaderBytes most bytes of one header block (of the message or of a part)
 * @param maxHeaderLines most header lines in the whole message
 * @param maxLineLength  most bytes of one header line (RFC 5322 §2.1.1 says 998)
 */
public record MailLimits(long maxReportSize, int maxParts, int maxDepth, int maxHeaderBytes, int maxHeaderLines,
                         int maxLineLength) {
    public static final int DEFAULT_HEADER_BYTES = 1 << 20;
    public static final int DEFAULT_HEADER_LINES = 50_000;
    public static final int DEFAULT_LINE_LENGTH = 64 * 1024;

    /** 50 MiB per report, 1,000 parts, 10 levels, 1 MiB of header per part, 50,000 header lines, 64 KiB a line. */
    public static MailLimits defaults() {
        return new MailLimits(50L * 1024 * 1024, 1_000, 10);
    }

    /** The given bounds with the default header bounds. */
    public MailLimits(long maxReportSize, int maxParts, int maxDepth) {
        this(maxReportSize, maxParts, maxDepth, DEFAULT_HEADER_BYTES, DEFAULT_HEADER_LINES, DEFAULT_LINE_LENGTH);
    }

    public MailLimits {
        if (maxHeaderBytes < 1024 || maxHeaderLines < 100 || maxLineLength < 998) {
            throw new IllegalArgumentException("header bounds too small to read real mail: " + maxHeaderBytes
                    + " bytes, " + maxHeaderLines + " lines, " + maxLineLength + " bytes a line");
        }
        if (maxReportSize < 1) {
            throw new IllegalArgumentException("maxReportSize must be positive: " + maxReportSize);
        }
        if (maxParts < 1) {
            throw new IllegalArgumentException("maxParts must be positive: " + maxParts);
        }
        if (maxDepth < 0) {
            throw new IllegalArgumentException("maxDepth must not be negative: " + maxDepth);
        }
    }
}
