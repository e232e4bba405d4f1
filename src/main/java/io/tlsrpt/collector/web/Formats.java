package io.tlsrpt.collector.web;

import io.tlsrpt.collector.published.RecordKinds;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the pages write times: UTC, to the second, the same everywhere. */
public final class Formats {
    static final Formats INSTANCE = new Formats();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Formats() {
    }

    public String time(Instant t) {
        return t == null ? "" : TIME.format(t);
    }

    /** The name of a kind of published record, e.g. "_mta-sts TXT". */
    public String recordKind(String kind) {
        return RecordKinds.label(kind);
    }

    /** A date range, both ends in UTC. */
    public String range(Instant start, Instant end) {
        if (start == null || end == null) {
            return "";
        }
        return time(start) + " – " + time(end);
    }
}
