package io.tlsrpt.collector.published;

import io.tlsrpt.collector.records.DnsAnswer;
import io.tlsrpt.collector.records.RecordsSnapshot;
import io.tlsrpt.collector.records.TlsaCheck;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The published content of each kind of record in a snapshot, as kept in the history. A look-up that failed
 * (time-out, SERVFAIL, a policy fetch that did not answer 200) says nothing about what is published and is left
 * out, so that a passing outage does not show up as a change.
 */
public final class RecordKinds {
    static final String TLSRPT = "tlsrpt-txt";
    static final String TLSRPT_LEGACY = "tlsrpt-legacy-txt";
    static final String MTA_STS = "mta-sts-txt";
    static final String POLICY = "mta-sts-policy";
    static final String MX = "mx";
    static final String TLSA_PREFIX = "tlsa:";

    private static final Set<String> DEFINITE = Set.of("NOERROR", "NXDOMAIN");

    private RecordKinds() {
    }

    static Map<String, String> contents(RecordsSnapshot s) {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, TLSRPT, s.tlsrptTxt());
        put(m, TLSRPT_LEGACY, s.legacyTlsrptTxt());
        put(m, MTA_STS, s.mtaStsTxt());
        if (s.policy() != null && s.policy().status() != null && s.policy().status() == 200
                && s.policy().body() != null) {
            m.put(POLICY, s.policy().body());
        } else if (s.policy() != null && s.policy().status() != null && s.policy().status() == 404) {
            m.put(POLICY, "");
        }
        put(m, MX, s.mx());
        for (TlsaCheck t : s.tlsa()) {
            put(m, TLSA_PREFIX + t.mx(), t.answer());
        }
        return m;
    }

    private static void put(Map<String, String> m, String kind, DnsAnswer a) {
        if (a != null && a.status() != null && DEFINITE.contains(a.status())) {
            m.put(kind, String.join("\n", a.records().stream().sorted().toList()));
        }
    }

    public static String label(String kind) {
        return switch (kind) {
            case TLSRPT -> "_smtp._tls TXT";
            case TLSRPT_LEGACY -> "_smtp-tlsrpt TXT (old name)";
            case MTA_STS -> "_mta-sts TXT";
            case POLICY -> "MTA-STS policy file";
            case MX -> "MX";
            default -> kind.startsWith(TLSA_PREFIX) ? "TLSA _25._tcp." + kind.substring(TLSA_PREFIX.length())
                    : kind;
        };
    }

    static List<String> order() {
        return List.of(TLSRPT, TLSRPT_LEGACY, MTA_STS, POLICY, MX);
    }
}
