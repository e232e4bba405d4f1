package io.tlsrpt.collector.mail;

import java.io.IOException;

/** A report decompresses to more bytes than allowed: a gzip or zip bomb, refused rather than expanded. */
public final class ReportTooLargeException extends IOException {

    private static final long serialVersionUID = 1L;

    private final long limit;

    public ReportTooLargeException(long limit) {
        super("report larger than the limit of " + limit + " bytes");
        this.limit = limit;
    }

    /** The limit that was exceeded, in bytes. */
    public long limit() {
        return limit;
    }
}
