package io.tlsrpt.collector.records;

import java.util.List;

/**
 * The TLSA records of one MX host ({@code _25._tcp.<mx>}, RFC 7672) and whether the certificate the MX presented
 * matches them.
 *
 * @param mx             the MX host
 * @param answer         the TLSA look-up ("3 1 1 HEX" records; {@link DnsAnswer#authenticated()} is the AD bit)
 * @param matches        whether a usable record (usage 2 or 3, matching type 1 or 2) matches the presented chain;
 *                       null when there is nothing to compare (no records, no probe, no certificate)
 * @param matchedRecords the records that matched
 */
public record TlsaCheck(String mx, DnsAnswer answer, Boolean matches, List<String> matchedRecords) {

    public TlsaCheck {
        matchedRecords = matchedRecords == null ? List.of() : List.copyOf(matchedRecords);
    }
}
