package io.tlsrpt.collector.dkim;

import java.util.List;

/**
 * The DKIM verdict on one report e-mail.
 *
 * @param status               PASS if any signature passed; else TEMPERROR if a key could not be fetched now; else
 *                             FAIL if a signature failed to verify; else PERMERROR; NONE without any DKIM-Signature
 * @param domain               d= of the signature that decided (the passing one, preferring one aligned with the
 *                             submitter, then the From domain); null for NONE / NOT_JUDGED
 * @param selector             s= of that signature
 * @param alignedWithFrom      that d= is the From domain, or a subdomain or parent of it
 * @param alignedWithSubmitter that d= is the TLS-Report-Submitter domain, or a subdomain or parent of it
 * @param keyAllowsTlsrpt      the key record's service types (s=) include {@code tlsrpt} or {@code *}, or it has no
 *                             s= (which means all); null when no key record was obtained
 * @param usesBodyLengthLimit  that signature has an l= tag, which RFC 8460 §3 forbids
 * @param reason               human-readable, one line, at most 300 characters
 * @param signatures           each signature's own verdict in header order, at most 10
 */
public record DkimResult(DkimStatus status, String domain, String selector, boolean alignedWithFrom,
                         boolean alignedWithSubmitter, Boolean keyAllowsTlsrpt, boolean usesBodyLengthLimit,
                         String reason, List<Signature> signatures) {

    /** At most this many signatures are checked and listed. */
    public static final int MAX_SIGNATURES = 10;

    public DkimResult {
        if (status == null) {
            status = DkimStatus.PERMERROR;
        }
        domain = Text.name(domain);
        selector = Text.name(selector);
        reason = Text.reason(reason == null ? status.name().toLowerCase(java.util.Locale.ROOT) : reason);
        signatures = signatures == null ? List.of()
                : signatures.stream().filter(s -> s != null).limit(MAX_SIGNATURES).toList();
    }

    /**
     * One DKIM-Signature's own verdict.
     *
     * @param domain   its d=
     * @param selector its s=
     * @param status   PASS, FAIL, TEMPERROR or PERMERROR
     * @param reason   one line, at most 300 characters
     */
    public record Signature(String domain, String selector, DkimStatus status, String reason) {
        public Signature {
            domain = Text.name(domain);
            selector = Text.name(selector);
            if (status == null) {
                status = DkimStatus.PERMERROR;
            }
            reason = Text.reason(reason == null ? status.name().toLowerCase(java.util.Locale.ROOT) : reason);
        }
    }

    /** The message has no DKIM-Signature. */
    public static DkimResult none() {
        return new DkimResult(DkimStatus.NONE, null, null, false, false, null, false,
                "no DKIM-Signature header", List.of());
    }

    /** Verification skipped on purpose (e.g. an import of old mail whose signing keys are long rotated). */
    public static DkimResult notJudged(String reason) {
        return new DkimResult(DkimStatus.NOT_JUDGED, null, null, false, false, null, false,
                reason == null ? "DKIM not verified" : reason, List.of());
    }

    /** A passing signature was found. */
    public boolean passed() {
        return status == DkimStatus.PASS;
    }
}
