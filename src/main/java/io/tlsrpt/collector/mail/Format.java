package io.tlsrpt.collector.mail;

/** How a report's bytes are packed (RFC 8460 §5.2; zip is not in the RFC but is seen for DMARC). */
public enum Format {
    /** The JSON document itself (application/tlsrpt+json, §6.4). */
    JSON,
    /** gzip, possibly several concatenated members (application/tlsrpt+gzip, §6.5). */
    GZIP,
    /** A zip archive; each JSON entry is a separate report. */
    ZIP
}
