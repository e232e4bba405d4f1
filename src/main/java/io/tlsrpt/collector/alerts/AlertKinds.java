package io.tlsrpt.collector.alerts;

/** The kinds of alert. */
public final class AlertKinds {
    /** A failure group (domain, result type, receiving MX) the domain had not had. */
    public static final String NEW_FAILURE = "new-failure";
    /** A domain's failed share of sessions over the last day passed the threshold. */
    public static final String FAILURE_RATE = "failure-rate";
    /** A reporter that sent a report every day stopped. */
    public static final String REPORTER_SILENT = "reporter-silent";

    private AlertKinds() {
    }

    public static boolean isKind(String s) {
        return NEW_FAILURE.equals(s) || FAILURE_RATE.equals(s) || REPORTER_SILENT.equals(s);
    }
}
