package io.tlsrpt.collector.report;

import java.util.List;
import java.util.Objects;

/** What {@link ReportParser} made of one report body: a report, or a reason it cannot be used. */
public sealed interface ParseOutcome {

    /**
     * A report that could be read.
     *
     * @param notes the leniencies that were needed to read it, one line per kind of leniency (not per occurrence),
     *              in the order first met, e.g. "mx-host was a string (erratum 6241)". Empty for a clean report.
     */
    record Parsed(TlsReport report, List<String> notes) implements ParseOutcome {
        public Parsed {
            Objects.requireNonNull(report, "report");
            notes = List.copyOf(notes);
        }
    }

    /**
     * A report body that cannot be used.
     *
     * @param code   stable, machine-readable reason; one of the constants below
     * @param detail for {@link #MISSING_FIELD} exactly the JSON path of the field (e.g. "report-id",
     *               "date-range.end-datetime", "policies[0].policy.policy-type"); for the others, where known, the
     *               path, a colon and an explanation. Single line, at most a few hundred chars, control characters
     *               removed; it can still quote sender text, so escape it before showing it in HTML.
     */
    record Unusable(String code, String detail) implements ParseOutcome {
        /** No bytes, or only white space (and a byte-order mark). */
        public static final String EMPTY = "empty";
        /** The first bytes are not JSON at all (gzip, zip, XML, HTML, text). */
        public static final String NOT_JSON = "not-json";
        /** Starts as JSON but breaks later (truncated, syntax error, trailing content); detail has the location. */
        public static final String INVALID_JSON = "invalid-json";
        /** Bytes that are not UTF-8, or UTF-16/UTF-32 text; I-JSON (RFC 7493 §2.1) is UTF-8 only. */
        public static final String INVALID_UTF8 = "invalid-utf8";
        /** A value of the wrong JSON type, the top level included (detail "(root): ..."). */
        public static final String WRONG_TYPE = "wrong-type";
        /** A required member is missing, null or empty. */
        public static final String MISSING_FIELD = "missing-field";
        /** A known member appears twice in one object (RFC 7493 §2.3 forbids it; which one would be meant?). */
        public static final String DUPLICATE_FIELD = "duplicate-field";
        /** A session count that is negative, not an integer, not a number, or does not fit in a long. */
        public static final String INVALID_COUNT = "invalid-count";
        /** A start- or end-datetime that is not an RFC 3339 date-time, even read leniently. */
        public static final String INVALID_DATE = "invalid-date";
        /** A {@link ParseLimits} bound (or the fixed number-length bound) was exceeded; detail names it. */
        public static final String LIMIT_EXCEEDED = "limit-exceeded";
        /** The input stream itself failed (e.g. a broken gzip stream underneath). */
        public static final String READ_ERROR = "read-error";
        /** A bug in the parser; reported instead of thrown so that one report cannot stop the ingest loop. */
        public static final String INTERNAL_ERROR = "internal-error";

        public Unusable {
            Objects.requireNonNull(code, "code");
            if (detail == null) {
                detail = ""; // callers pass exception messages, which may be null; a missing detail is not a bug
            }
        }
    }
}
