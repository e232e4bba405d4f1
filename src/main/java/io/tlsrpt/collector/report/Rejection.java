package io.tlsrpt.collector.report;

/**
 * Thrown inside the parser to abandon a report; {@link ReportParser} turns it into a {@link ParseOutcome.Unusable}.
 * It never leaves the package. No stack trace: it is a verdict about input, not a bug.
 */
final class Rejection extends RuntimeException {
    final String code;
    final String detail;

    Rejection(String code, String detail) {
        super(code + ": " + detail, null, false, false);
        this.code = code;
        this.detail = detail;
    }

    ParseOutcome.Unusable toOutcome() {
        return new ParseOutcome.Unusable(code, Details.clean(detail));
    }
}
