package io.tlsrpt.collector.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The leniencies applied while reading one report. Each kind is recorded once, however often it happens, so that
 * a report with 100,000 failure details of the same quirk gets one line, not 100,000.
 */
final class Notes {
    // The texts are part of the outcome that callers may show or count; keep them stable.
    static final String BOM = "UTF-8 byte-order mark skipped";
    static final String MX_HOST_STRING = "mx-host was a string (erratum 6241)";
    static final String MX_HOST_PREFIX = "mx-host entry has a literal \"mx:\" prefix (kept as sent)";
    static final String NO_TIME_ZONE = "date-range without time zone read as UTC";
    static final String SPACE_SEPARATOR = "date-time with a space instead of 'T' accepted";
    static final String LEAP_SECOND = "leap second :60 read as :59";
    static final String TLSA_PACKED = "policy-string TLSA packed as JSON array unpacked";
    static final String COUNT_AS_STRING = "count written as a string of digits read as a number";
    static final String EMPTY_STRING = "empty string read as absent";
    static final String ADDITIONAL_INFO_URI = "additional-info-uri read as additional-information";
    static final String NO_CONTACT_INFO = "contact-info missing, null or empty";
    static final String NO_POLICY_DOMAIN = "policy-domain missing, null or empty";
    static final String NO_SUMMARY_COUNT = "summary count missing or null (kept as absent, not zero)";

    private final Set<String> applied = new LinkedHashSet<>();

    void add(String note) {
        applied.add(note);
    }

    List<String> list() {
        return new ArrayList<>(applied);
    }
}
