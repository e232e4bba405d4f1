package io.tlsrpt.collector.records;

import java.time.Instant;
import java.util.List;

/**
 * The HTTPS GET of {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} (RFC 8461 §3.3).
 *
 * @param url                 the URL fetched (with the port when it is not 443)
 * @param status              the HTTP status, null when there was no response
 * @param contentType         the Content-Type header as sent, null without one
 * @param body                the body decoded as UTF-8, at most 64 KiB of it; null unless the status is 200
 * @param truncated           the body was longer than 64 KiB (the rest was not read)
 * @param error               why the fetch failed (no response, a certificate that is not valid, a redirect, a
 *                            status other than 200, a body over 64 KiB); null when it succeeded
 * @param certificateNames    the names of the server's certificate (subjectAltName dNSNames, else its CN), also when
 *                            the handshake failed because of it; empty when none was seen
 * @param certificateNotAfter the certificate's expiry, null when none was seen
 */
public record PolicyFetch(String url, Integer status, String contentType, String body, boolean truncated,
                          String error, List<String> certificateNames, Instant certificateNotAfter) {

    public PolicyFetch {
        certificateNames = certificateNames == null ? List.of() : List.copyOf(certificateNames);
    }

    /** Status 200, whole body read, no error. */
    public boolean ok() {
        return error == null && status != null && status == 200 && body != null && !truncated;
    }
}
