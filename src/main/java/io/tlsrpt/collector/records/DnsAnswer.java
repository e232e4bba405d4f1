package io.tlsrpt.collector.records;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One DNS look-up and its answer.
 *
 * @param name          the name asked for: lower case, no trailing dot
 * @param type          "TXT", "MX", "TLSA", "A", "AAAA", ...
 * @param status        NOERROR, NXDOMAIN, SERVFAIL, REFUSED, ... (the response code), TIMEOUT when no server
 *                      answered in time, ERROR for anything else (a bad name, an unreadable answer)
 * @param authenticated the AD bit of the answer: the resolver says it validated the answer with DNSSEC (only as
 *                      good as the path to that resolver)
 * @param records       the records of the asked type, CNAMEs followed, in presentation form: a TXT record as its
 *                      strings joined without spaces (RFC 7208 §3.3, RFC 8460 §3), MX as "10 mx.example.com",
 *                      TLSA as "3 1 1 ABCD..." (hex upper case, RFC 8460 §4.5), A/AAAA as the address
 * @param error         what went wrong when status is not NOERROR/NXDOMAIN, else null
 */
public record DnsAnswer(String name, String type, String status, boolean authenticated, List<String> records,
                        String error) {

    public DnsAnswer {
        records = records == null ? List.of() : List.copyOf(records);
    }

    /** The server answered (NOERROR or NXDOMAIN): {@link #records} is the truth, empty or not. */
    public boolean answered() {
        return "NOERROR".equals(status) || "NXDOMAIN".equals(status);
    }

    /** MX targets ordered by preference (lowest first), without the null MX "." (RFC 7505). */
    public List<String> mxHosts() {
        record Mx(int preference, String host) {
        }
        List<Mx> mx = new ArrayList<>();
        for (String r : records) {
            String[] parts = r.trim().split("\\s+");
            if (parts.length != 2) {
                continue;
            }
            int pref;
            try {
                pref = Integer.parseInt(parts[0]);
            } catch (NumberFormatException e) {
                continue;
            }
            String host = parts[1];
            if (host.isEmpty() || host.equals(".")) {
                continue;
            }
            mx.add(new Mx(pref, host));
        }
        mx.sort(Comparator.comparingInt(Mx::preference));
        List<String> hosts = new ArrayList<>();
        for (Mx m : mx) {
            if (!hosts.contains(m.host())) {
                hosts.add(m.host());
            }
        }
        return hosts;
    }

    /** A null MX (RFC 7505: "0 ."): the domain accepts no mail. */
    public boolean nullMx() {
        return records.stream().anyMatch(r -> r.trim().endsWith(" .") || r.trim().equals("."));
    }
}
