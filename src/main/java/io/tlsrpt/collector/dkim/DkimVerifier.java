package io.tlsrpt.collector.dkim;

import org.apache.james.jdkim.api.Result;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.FailException;

import java.io.IOException;
import java.net.IDN;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies the DKIM signatures of a report e-mail (RFC 8460 §3: a report sent by mail MUST carry a valid DKIM
 * signature of the reporting domain) with Apache jDKIM, keys from a {@link KeyLookup}.
 *
 * <p>Several signatures: PASS if any passes (preferring one whose d= is aligned with the TLS-Report-Submitter, then
 * with the From domain, then one without l=); else TEMPERROR if any key could not be fetched now; else FAIL if any
 * signature failed to verify; else PERMERROR. Per signature, jDKIM's taxonomy is kept: a temporary key failure is
 * TEMPERROR, a permanent failure tied to a parsed signature (key missing or revoked, header or body hash mismatch)
 * is FAIL, one where the signature itself cannot be used (syntax, expired, unsupported algorithm) is PERMERROR.
 *
 * <p>Bounded: at most 10 signatures are checked (the top-most; each costs at most one key lookup, the same key name
 * is asked once), at most 1000 header fields, a DKIM-Signature of at most 16 KiB, key records of at most 16 KiB;
 * the body is read once for all signatures. Nothing in the message makes it throw: every problem becomes a result
 * with a reason.
 *
 * <p>Thread-safe when the {@link KeyLookup} is: each call uses its own jDKIM verifier.
 */
public final class DkimVerifier {
    private final KeyLookup lookup;

    public DkimVerifier(KeyLookup lookup) {
        this.lookup = Objects.requireNonNull(lookup, "lookup");
    }

    /**
     * Verifies now (x= expiry judged against the clock).
     *
     * @param rawMessage      the message as received (LF or CRLF line ends)
     * @param fromDomain      the domain of the From address, or null
     * @param submitterDomain the TLS-Report-Submitter domain, or null
     */
    public DkimResult verify(byte[] rawMessage, String fromDomain, String submitterDomain) {
        return verify(rawMessage, fromDomain, submitterDomain, null);
    }

    /**
     * Verifies, judging x= (signature expiry) at {@code receivedAt}: pass the time the message was received, so
     * that verifying it again later (after a temporary DNS failure, or when re-processing stored mail) does not
     * fail a signature that was valid on arrival. Null means now.
     */
    public DkimResult verify(byte[] rawMessage, String fromDomain, String submitterDomain, Instant receivedAt) {
        try {
            return doVerify(rawMessage, fromDomain, submitterDomain, receivedAt);
        } catch (RuntimeException | StackOverflowError e) {
            return new DkimResult(DkimStatus.PERMERROR, null, null, false, false, null, false,
                    "DKIM verification failed: " + e, List.of());
        }
    }

    private DkimResult doVerify(byte[] raw, String fromDomain, String submitterDomain, Instant receivedAt) {
        if (raw == null || raw.length == 0) {
            return DkimResult.none();
        }
        RawMessage message = RawMessage.parse(RawMessage.toCrlf(raw));
        int total = message.dkimSignatureCount();
        if (total == 0) {
            return DkimResult.none();
        }
        if (message.tooManyFields()) {
            return new DkimResult(DkimStatus.PERMERROR, null, null, false, false, null, false,
                    "not verified: the header has more than " + RawMessage.MAX_FIELDS + " fields", List.of());
        }
        List<String> fields = message.dkimSignatures();
        int checked = Math.min(fields.size(), DkimResult.MAX_SIGNATURES);

        JdkimBridge jdkim = new JdkimBridge(new KeyRetriever(lookup), receivedAt);
        String crash = null;
        try {
            jdkim.verify(message.headers(DkimResult.MAX_SIGNATURES), message.body());
        } catch (FailException e) {
            // no signature passed: the per-signature results are in getResults()
        } catch (IOException | RuntimeException | StackOverflowError e) {
            crash = "verification aborted: " + e;
        }

        // jDKIM's results are keyed by signature, not ordered: give each DKIM-Signature field its own verdict.
        Map<String, Verdict> byValue = new HashMap<>();
        Map<String, JdkimBridge.KeyRecord> keys = jdkim.keysByValue();
        for (Result r : jdkim.getResults()) {
            String value = valueOf(jdkim, r);
            if (value == null) {
                continue;
            }
            JdkimBridge.KeyRecord key = keys.get(value);
            byValue.putIfAbsent(value, new Verdict(status(r), reason(r, key), key));
        }

        List<Checked> sigs = new ArrayList<>(checked);
        for (int i = 0; i < checked; i++) {
            String field = fields.get(i);
            String value = field.substring(field.indexOf(':') + 1);
            Tags tags = Tags.parse(value);
            Verdict v = byValue.get(value);
            if (v == null) {
                v = new Verdict(DkimStatus.PERMERROR, crash != null ? crash : "signature not verified", null);
            }
            String d = tags.get("d");
            sigs.add(new Checked(d, tags.get("s"), v, tags.has("l"),
                    aligned(d, submitterDomain), aligned(d, fromDomain)));
        }
        return decide(sigs, total);
    }

    /** The DKIM-Signature value a jDKIM result belongs to. */
    private static String valueOf(JdkimBridge jdkim, Result r) {
        SignatureRecord record = r.getRecord();
        String value = jdkim.valueOf(record);
        if (value != null) {
            return value;
        }
        String raw = r.getDkimRawField(); // "DKIM-Signature: ..." as offered, for failures without a parsed record
        if (raw == null) {
            return null;
        }
        int colon = raw.indexOf(':');
        return colon < 0 ? null : raw.substring(colon + 1);
    }

    private static DkimStatus status(Result r) {
        Result.Type t = r.getResultType();
        if (t == null) {
            return DkimStatus.PERMERROR;
        }
        switch (t) {
            case PASS:
                return DkimStatus.PASS;
            case FAIL:
                return DkimStatus.FAIL;
            case TEMPERROR:
                return DkimStatus.TEMPERROR;
            default:
                return DkimStatus.PERMERROR; // PERMERROR, and NONE/NEUTRAL/POLICY which jDKIM does not produce
        }
    }

    private static String reason(Result r, JdkimBridge.KeyRecord key) {
        if (r.getResultType() == Result.Type.PASS) {
            StringBuilder b = new StringBuilder("signature verified");
            if (key != null && key.isTesting()) {
                b.append(" (key is in testing mode, t=y)");
            }
            return b.toString();
        }
        String m = r.getErrorMessage();
        return m == null || m.isBlank() ? String.valueOf(r.getResultType()).toLowerCase(Locale.ROOT) : m;
    }

    private static DkimResult decide(List<Checked> sigs, int total) {
        DkimStatus status;
        if (any(sigs, DkimStatus.PASS)) {
            status = DkimStatus.PASS;
        } else if (any(sigs, DkimStatus.TEMPERROR)) {
            status = DkimStatus.TEMPERROR;
        } else if (any(sigs, DkimStatus.FAIL)) {
            status = DkimStatus.FAIL;
        } else {
            status = DkimStatus.PERMERROR;
        }
        Checked best = null;
        for (Checked c : sigs) {
            if (c.verdict.status == status && (best == null || c.rank() > best.rank())) {
                best = c;
            }
        }
        List<DkimResult.Signature> list = new ArrayList<>(sigs.size());
        int passed = 0;
        for (Checked c : sigs) {
            list.add(new DkimResult.Signature(c.domain, c.selector, c.verdict.status, c.verdict.reason));
            if (c.verdict.status == DkimStatus.PASS) {
                passed++;
            }
        }
        if (best == null) { // cannot happen: status is taken from one of them
            return new DkimResult(DkimStatus.PERMERROR, null, null, false, false, null, false,
                    "no signature could be judged", list);
        }
        StringBuilder reason = new StringBuilder(status.name().toLowerCase(Locale.ROOT))
                .append(": d=").append(best.domain == null ? "?" : best.domain)
                .append(" s=").append(best.selector == null ? "?" : best.selector);
        if (status != DkimStatus.PASS) {
            reason.append(": ").append(best.verdict.reason);
        } else if (best.bodyLengthLimit) {
            reason.append(" (uses l=, which RFC 8460 forbids)");
        }
        if (sigs.size() > 1) {
            reason.append(" [").append(passed).append(" of ").append(sigs.size()).append(" signatures passed]");
        }
        if (total > sigs.size()) {
            reason.append(" [").append(total).append(" signatures, only the first ").append(sigs.size())
                    .append(" checked]");
        }
        JdkimBridge.KeyRecord key = best.verdict.key;
        return new DkimResult(status, best.domain, best.selector, best.alignedWithFrom, best.alignedWithSubmitter,
                key == null ? null : key.allowsTlsrpt(), best.bodyLengthLimit, reason.toString(), list);
    }

    private static boolean any(List<Checked> sigs, DkimStatus status) {
        for (Checked c : sigs) {
            if (c.verdict.status == status) {
                return true;
            }
        }
        return false;
    }

    /**
     * "Aligned" for RFC 8460's "signed by the reporting domain": the two domains are equal, or one is a subdomain
     * of the other ({@code corp.mail.ru} signs for {@code mail.ru}); case-insensitive, trailing dots ignored,
     * U-labels compared as A-labels. False when either is null or empty.
     */
    public static boolean aligned(String signingDomain, String domain) {
        String a = normalise(signingDomain);
        String b = normalise(domain);
        if (a == null || b == null) {
            return false;
        }
        return a.equals(b) || a.endsWith("." + b) || b.endsWith("." + a);
    }

    private static String normalise(String domain) {
        if (domain == null) {
            return null;
        }
        String d = domain.trim();
        while (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        if (d.isEmpty() || d.length() > 1024) {
            return null;
        }
        if (!d.chars().allMatch(c -> c < 128)) {
            try {
                d = IDN.toASCII(d, IDN.ALLOW_UNASSIGNED);
            } catch (IllegalArgumentException e) {
                // keep as is
            }
        }
        d = d.toLowerCase(Locale.ROOT);
        return d.isEmpty() || d.startsWith(".") ? null : d;
    }

    private record Verdict(DkimStatus status, String reason, JdkimBridge.KeyRecord key) {
    }

    private record Checked(String domain, String selector, Verdict verdict, boolean bodyLengthLimit,
                           boolean alignedWithSubmitter, boolean alignedWithFrom) {
        /** Preference among signatures with the same verdict; ties go to the first in the header. */
        int rank() {
            return (alignedWithSubmitter ? 4 : 0) + (alignedWithFrom ? 2 : 0) + (bodyLengthLimit ? 0 : 1);
        }
    }
}
