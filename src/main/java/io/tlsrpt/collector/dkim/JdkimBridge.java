package io.tlsrpt.collector.dkim;

import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.PublicKeyRecord;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;
import org.apache.james.jdkim.tagvalue.PublicKeyRecordImpl;
import org.apache.james.jdkim.tagvalue.SignatureRecordImpl;

import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * jDKIM's verifier with the collector's rules hooked in (one instance per message: jDKIM keeps its results in the
 * instance):
 * <ul>
 *   <li>a DKIM-Signature longer than {@link #MAX_SIGNATURE_LENGTH} is not parsed (PERMERROR);</li>
 *   <li>only rsa-sha256 is accepted: rsa-sha1 is forbidden by RFC 8301, ed25519-sha256 (RFC 8463) is not supported
 *       by jDKIM 0.5 (both PERMERROR, before any key lookup);</li>
 *   <li>an RSA key shorter than 1024 bits is refused (RFC 8301; PERMERROR);</li>
 *   <li>x= (expiry) is judged against the time the message was received when that is given, so that a message
 *       verified again later (a retry after a DNS failure) is not failed for the time it waited;</li>
 *   <li>the key record used for each signature is remembered, for its service types (s=).</li>
 * </ul>
 */
final class JdkimBridge extends DKIMVerifier {
    static final int MAX_SIGNATURE_LENGTH = 16 * 1024;
    static final int MIN_RSA_BITS = 1024;

    private final Instant receivedAt;
    private final Map<SignatureRecord, String> values = new IdentityHashMap<>();
    private final Map<SignatureRecord, KeyRecord> keys = new IdentityHashMap<>();

    JdkimBridge(KeyRetriever retriever, Instant receivedAt) {
        super(retriever);
        this.receivedAt = receivedAt;
    }

    /** The DKIM-Signature value (after "DKIM-Signature:") a record was made from, or null. */
    String valueOf(SignatureRecord record) {
        return record == null ? null : values.get(record);
    }

    /** Value → key, for every signature whose key was fetched. */
    Map<String, KeyRecord> keysByValue() {
        Map<String, KeyRecord> m = new HashMap<>();
        keys.forEach((r, k) -> {
            String v = values.get(r);
            if (v != null) {
                m.put(v, k);
            }
        });
        return m;
    }

    @Override
    public SignatureRecord newSignatureRecord(String record) {
        if (record != null && record.length() > MAX_SIGNATURE_LENGTH) {
            throw new IllegalStateException("DKIM-Signature is longer than " + MAX_SIGNATURE_LENGTH
                    + " characters; not parsed");
        }
        try {
            Record r = new Record(record, receivedAt);
            r.validate(); // jDKIM validates in the constructor only, before our fields are set: again, with them
            values.put(r, record);
            return r;
        } catch (StackOverflowError e) {
            throw new IllegalStateException("DKIM-Signature too complex to parse");
        }
    }

    @Override
    protected PublicKeyRecord newPublicKeyRecord(String record) {
        try {
            return new KeyRecord(record);
        } catch (StackOverflowError e) {
            throw new IllegalStateException("key record too complex to parse");
        }
    }

    @Override
    public PublicKeyRecord publicRecordLookup(SignatureRecord sign) throws TempFailException, PermFailException {
        PublicKeyRecord key = super.publicRecordLookup(sign);
        if (key instanceof KeyRecord k) {
            keys.put(sign, k);
        }
        PublicKey pk;
        try {
            pk = key.getPublicKey();
        } catch (RuntimeException e) {
            return key; // jDKIM reports the broken key itself
        }
        if (pk instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new PermFailException("RSA key of " + rsa.getModulus().bitLength() + " bits is too short (RFC 8301 "
                    + "requires at least " + MIN_RSA_BITS + ")");
        }
        return key;
    }

    /** A DKIM-Signature record with the collector's algorithm rule and x= judged at the time of receipt. */
    static final class Record extends SignatureRecordImpl {
        private final Instant receivedAt;
        /** False while jDKIM's constructor runs (it calls validate() before this subclass is initialised). */
        private final boolean constructed;

        Record(String data, Instant receivedAt) {
            super(data);
            this.receivedAt = receivedAt;
            this.constructed = true;
        }

        @Override
        public void validate() {
            if (!constructed) {
                return; // validated by newSignatureRecord once constructed
            }
            try {
                validateJdkim();
                String a = String.valueOf(getValue("a")).replaceAll("[\\s]+", "").toLowerCase(Locale.ROOT);
                if (a.equals("rsa-sha1")) {
                    throw new IllegalStateException("a=rsa-sha1 is not accepted (RFC 8301)");
                }
                if (!a.equals("rsa-sha256")) {
                    throw new IllegalStateException("unsupported signing algorithm a=" + Text.name(a)
                            + " (only rsa-sha256 can be verified)");
                }
            } catch (StackOverflowError e) {
                throw new IllegalStateException("DKIM-Signature too complex to parse");
            }
        }

        private void validateJdkim() {
            try {
                super.validate();
            } catch (IllegalStateException e) {
                String m = e.getMessage();
                if (receivedAt == null || m == null || !m.startsWith("Signature is expired")) {
                    throw e;
                }
                // jDKIM compares x= with the clock; judge it at the time the message was received instead.
                long expires;
                try {
                    expires = Long.parseLong(getValue("x").toString().trim());
                } catch (RuntimeException ex) {
                    throw e;
                }
                if (expires < receivedAt.getEpochSecond()) {
                    throw new IllegalStateException("Signature had expired (x=" + expires + ") when the message "
                            + "was received");
                }
                // the only check jDKIM makes after the expiry
                if (!isInListCaseInsensitive("from", getHeaders())) {
                    throw new IllegalStateException("From field not signed");
                }
            }
        }
    }

    /** A key record that tells its service types (s=) and flags. */
    static final class KeyRecord extends PublicKeyRecordImpl {
        KeyRecord(String data) {
            super(data);
        }

        /** s= as a list; "*" when absent (RFC 6376 default). */
        List<String> serviceTypes() {
            CharSequence s = getValue("s");
            List<String> out = new ArrayList<>();
            for (String t : (s == null ? "*" : s.toString()).split(":")) {
                String v = t.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
                if (!v.isEmpty()) {
                    out.add(v);
                }
            }
            return out;
        }

        /** RFC 8460 §3: s=tlsrpt, or * (all), or no s= at all. */
        boolean allowsTlsrpt() {
            List<String> types = serviceTypes();
            return types.contains("tlsrpt") || types.contains("*");
        }
    }
}
