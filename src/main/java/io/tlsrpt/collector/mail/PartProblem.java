package io.tlsrpt.collector.mail;

/**
 * Something that looks like a report but cannot be read, or a problem with the message as a whole.
 *
 * @param index    number of the MIME part in depth-first order (0 = the message itself, 1 = its first
 *                 body part, ...), or -1 for a problem with the whole message (not MIME, too many parts,
 *                 too deep). Not an index into {@link FoundReports#parts()}.
 * @param fileName the part's file name as sent, or null. Untrusted: never use it as a path.
 * @param reason   why, in words; hostile bits (names) are quoted with control characters escaped
 */
public record PartProblem(int index, String fileName, String reason) {

    /** Index used for problems that concern the whole message. */
    public static final int MESSAGE = -1;
}
