package io.tlsrpt.collector.records;

import java.time.Instant;
import java.util.List;

/**
 * One STARTTLS probe of an MX host: banner, EHLO, STARTTLS, the TLS handshake (accepting any certificate so that
 * it can be judged afterwards), QUIT.
 *
 * @param mx                 the MX host name
 * @param address            the address connected to (or the refused/unreachable one), null when none was found
 * @param connected          a TCP connection was made
 * @param banner             the server's greeting (all lines joined by "\n", bounded)
 * @param starttlsOffered    STARTTLS is among the EHLO keywords
 * @param tlsEstablished     the handshake completed
 * @param tlsVersion         "TLSv1.3", "TLSv1.2"; null without a handshake
 * @param certificateNames   the end-entity certificate's subjectAltName dNSNames (its CN when it has none)
 * @param notAfter           the end-entity certificate's expiry
 * @param trusted            the chain validates (PKIX, now) under the trust store
 * @param nameMatches        a subjectAltName dNSName matches the MX name (RFC 6125, "*" as the whole first label)
 * @param wildcardCertificate one of the names is a wildcard
 * @param certificateHashes  the TLSA forms of the chain, so that TLSA matching is a look-up: "3 0 1 HEX",
 *                           "3 1 1 HEX", "3 0 2 HEX", "3 1 2 HEX" for the end-entity certificate and the same with
 *                           usage 2 for each certificate above it (hex upper case)
 * @param error              what went wrong (no address, connection refused, time-out, a refused EHLO or
 *                           STARTTLS, a failed handshake), null when the probe went through
 */
public record StarttlsProbe(String mx, String address, boolean connected, String banner, boolean starttlsOffered,
                            boolean tlsEstablished, String tlsVersion, List<String> certificateNames,
                            Instant notAfter, boolean trusted, boolean nameMatches, boolean wildcardCertificate,
                            List<String> certificateHashes, String error) {

    public StarttlsProbe {
        certificateNames = certificateNames == null ? List.of() : List.copyOf(certificateNames);
        certificateHashes = certificateHashes == null ? List.of() : List.copyOf(certificateHashes);
    }
}
