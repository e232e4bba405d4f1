package io.tlsrpt.collector.mail;

/**
 * Bounds that keep reading one e-mail cheap, whatever the sender put in it.
 *
 * @param maxReportSize most bytes one report may have once decompressed; it also caps the decoded
 *                      size of any single MIME part (a compressed report is never bigger than its JSON)
 * @param maxParts      most MIME body parts (and zip entries) looked at in one message
 * @param maxDepth      most levels of multipart and message/rfc822 nesting below the message itself
 */
public record MailLimits(long maxReportSize, int maxParts, int maxDepth) {

    /** 50 MiB per report, 1,000 parts, 10 levels. */
    public static MailLimits defaults() {
        return new MailLimits(50L * 1024 * 1024, 1_000, 10);
    }

    public MailLimits {
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
