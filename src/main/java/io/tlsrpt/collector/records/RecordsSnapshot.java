package io.tlsrpt.collector.records;

import java.time.Instant;
import java.util.List;

/**
 * Everything one check of a domain found: the raw look-ups, what they parse to, and the findings.
 *
 * @param domain          the domain checked (lower case, A-labels), or the input as given when it was refused
 * @param checkedAt       when the check started
 * @param tlsrptTxt       TXT {@code _smtp._tls.<domain>}
 * @param legacyTlsrptTxt TXT {@code _smtp-tlsrpt.<domain>} (the name of the drafts)
 * @param mtaStsTxt       TXT {@code _mta-sts.<domain>}
 * @param policy          the policy fetch; null when it was not tried (no MTA-STS record)
 * @param mx              MX {@code <domain>}
 * @param tlsa            TLSA {@code _25._tcp.<mx>} per MX host checked
 * @param probes          the STARTTLS probe per MX host (empty when probing is off)
 * @param tlsrpt          the TLSRPT record parsed (the one senders use, or the first candidate); null without one
 * @param mtaSts          the MTA-STS record parsed; null without one
 * @param mtaStsPolicy    the policy parsed; null when none was fetched with status 200 in full
 * @param findings        the results of the checks
 */
public record RecordsSnapshot(String domain, Instant checkedAt, DnsAnswer tlsrptTxt, DnsAnswer legacyTlsrptTxt,
                              DnsAnswer mtaStsTxt, PolicyFetch policy, DnsAnswer mx, List<TlsaCheck> tlsa,
                              List<StarttlsProbe> probes, TlsrptRecord tlsrpt, MtaStsRecord mtaSts,
                              MtaStsPolicy mtaStsPolicy, List<Finding> findings) {

    public RecordsSnapshot {
        tlsa = tlsa == null ? List.of() : List.copyOf(tlsa);
        probes = probes == null ? List.of() : List.copyOf(probes);
        findings = findings == null ? List.of() : List.copyOf(findings);
    }
}
