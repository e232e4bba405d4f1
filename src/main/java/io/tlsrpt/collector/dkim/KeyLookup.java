package io.tlsrpt.collector.dkim;

import java.util.List;

/**
 * Where {@link DkimVerifier} gets DKIM key records from: one TXT query per {@code selector._domainkey.domain} name.
 * The collector wires it to its own resolver (the {@code tlsrpt.dns.servers}); tests serve keys from a map.
 * Implementations must be safe for concurrent use when the verifier is shared between threads.
 */
@FunctionalInterface
public interface KeyLookup {

    /**
     * @param name the full query name, e.g. {@code 20230601._domainkey.google.com} (no trailing dot)
     * @return the answer; never throw for DNS trouble: answer {@link Status#TEMPORARY_FAILURE} instead
     *         (an exception is treated the same way)
     */
    KeyAnswer txt(String name);

    /** How the TXT query ended. */
    enum Status {
        /** The name has TXT records: {@link KeyAnswer#records()}. */
        FOUND,
        /** NXDOMAIN, or the name exists without TXT records: the key does not exist (a permanent failure). */
        NOT_FOUND,
        /** Time-out, SERVFAIL, network error: the key could not be fetched now; try the message again later. */
        TEMPORARY_FAILURE
    }

    /**
     * @param status  how the query ended
     * @param records the TXT records, each one's strings already concatenated without spaces; empty unless FOUND
     * @param error   a short description of what went wrong (for the reason shown to the operator), or null
     */
    record KeyAnswer(Status status, List<String> records, String error) {
        public KeyAnswer {
            records = records == null ? List.of() : records.stream().filter(r -> r != null).toList();
        }

        public static KeyAnswer found(List<String> records) {
            return new KeyAnswer(Status.FOUND, records, null);
        }

        public static KeyAnswer notFound(String error) {
            return new KeyAnswer(Status.NOT_FOUND, List.of(), error);
        }

        public static KeyAnswer temporaryFailure(String error) {
            return new KeyAnswer(Status.TEMPORARY_FAILURE, List.of(), error);
        }
    }
}
