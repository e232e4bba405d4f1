package io.tlsrpt.collector.dkim;

import org.apache.james.jdkim.api.Headers;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A message split into header fields and body for jDKIM, without MIME parsing: bare LF line ends become CRLF (as
 * on the wire), header fields are kept byte for byte (folding included) so that "simple" and "relaxed" header
 * canonicalisation see exactly what the signer saw. Bounded: at most {@link #MAX_FIELDS} header fields are kept.
 */
final class RawMessage {
    /** More header fields than this and the message is not verified (real mail has far fewer than 200). */
    static final int MAX_FIELDS = 1000;
    private static final byte[] DKIM_SIGNATURE = "dkim-signature".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final byte[] bytes;
    private final int bodyStart;
    private final List<String> fields;
    private final Map<String, List<String>> byName;
    private final int dkimSignatureCount;
    private final boolean tooManyFields;

    private RawMessage(byte[] bytes, int bodyStart, List<String> fields, Map<String, List<String>> byName,
                       int dkimSignatureCount, boolean tooManyFields) {
        this.bytes = bytes;
        this.bodyStart = bodyStart;
        this.fields = fields;
        this.byName = byName;
        this.dkimSignatureCount = dkimSignatureCount;
        this.tooManyFields = tooManyFields;
    }

    /** Converts every LF that is not preceded by CR into CRLF; returns the input itself when there is none. */
    static byte[] toCrlf(byte[] raw) {
        int bare = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) {
                bare++;
            }
        }
        if (bare == 0) {
            return raw;
        }
        byte[] out = new byte[raw.length + bare];
        int o = 0;
        for (int i = 0; i < raw.length; i++) {
            byte b = raw[i];
            if (b == '\n' && (i == 0 || raw[i - 1] != '\r')) {
                out[o++] = '\r';
            }
            out[o++] = b;
        }
        return out;
    }

    /**
     * Parses the header of a CRLF message. Lines that are not a header field (no colon, a name with spaces such as
     * an mbox "From " line, a continuation line with nothing to continue) are skipped.
     */
    static RawMessage parse(byte[] crlf) {
        // jDKIM turns header text back into bytes with String.getBytes() (the platform charset), so the text must
        // be made with the same charset for a byte-exact round trip.
        Charset charset = Charset.defaultCharset();
        List<String> fields = new ArrayList<>();
        Map<String, List<String>> byName = new HashMap<>();
        int dkim = 0;
        int seen = 0;
        int len = crlf.length;
        int pos = 0;
        int bodyStart = len;
        while (pos < len) {
            if (startsWithCrlf(crlf, pos)) {
                bodyStart = pos + 2;
                break;
            }
            int start = pos;
            int end = lineEnd(crlf, pos);
            int next = end + 2;
            while (next < len && (crlf[next] == ' ' || crlf[next] == '\t')) {
                end = lineEnd(crlf, next);
                next = end + 2;
            }
            pos = Math.min(next, len);
            int colon = nameEnd(crlf, start, end);
            if (colon < 0) {
                continue;
            }
            seen++;
            boolean isDkim = colon - start == DKIM_SIGNATURE.length && equalsIgnoreCase(crlf, start, DKIM_SIGNATURE);
            if (isDkim) {
                dkim++;
            }
            if (seen > MAX_FIELDS) {
                continue; // keep counting DKIM-Signature fields, store nothing more
            }
            String field = new String(crlf, start, end - start, charset);
            String name = new String(crlf, start, colon - start, java.nio.charset.StandardCharsets.ISO_8859_1)
                    .trim().toLowerCase(Locale.ROOT);
            fields.add(field);
            byName.computeIfAbsent(name, k -> new ArrayList<>(1)).add(field);
        }
        return new RawMessage(crlf, Math.min(bodyStart, len), Collections.unmodifiableList(fields), byName, dkim,
                seen > MAX_FIELDS);
    }

    private static boolean startsWithCrlf(byte[] b, int pos) {
        return pos + 1 < b.length && b[pos] == '\r' && b[pos + 1] == '\n';
    }

    /** Index of the CR of the CRLF ending the line at pos, or the end of the array. */
    private static int lineEnd(byte[] b, int pos) {
        for (int i = pos; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return b.length;
    }

    /**
     * Index of the colon ending a valid field name (printable ASCII except colon, optionally followed by spaces
     * before the colon, obsolete syntax), or -1.
     */
    private static int nameEnd(byte[] b, int start, int end) {
        if (start >= end || b[start] == ' ' || b[start] == '\t') {
            return -1;
        }
        int i = start;
        while (i < end && b[i] > 32 && b[i] < 127 && b[i] != ':') {
            i++;
        }
        if (i == start) {
            return -1;
        }
        while (i < end && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        return i < end && b[i] == ':' ? i : -1;
    }

    private static boolean equalsIgnoreCase(byte[] b, int start, byte[] lower) {
        for (int i = 0; i < lower.length; i++) {
            int c = b[start + i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower[i]) {
                return false;
            }
        }
        return true;
    }

    /** Number of DKIM-Signature fields in the whole header. */
    int dkimSignatureCount() {
        return dkimSignatureCount;
    }

    boolean tooManyFields() {
        return tooManyFields;
    }

    /** The DKIM-Signature fields, top to bottom, as jDKIM gets them ("DKIM-Signature: v=1; ..."). */
    List<String> dkimSignatures() {
        return byName.getOrDefault("dkim-signature", List.of());
    }

    InputStream body() {
        return new ByteArrayInputStream(bytes, bodyStart, bytes.length - bodyStart);
    }

    /**
     * The header for jDKIM. Fields are "Name: value" with their folding CRLFs and without the final CRLF, top to
     * bottom; {@code getFields(name)} is case-insensitive. Only the first {@code maxSignatures} DKIM-Signature
     * fields are offered, so no more than that many are ever checked (or cost a key lookup).
     */
    Headers headers(int maxSignatures) {
        List<String> signatures = dkimSignatures();
        List<String> offered = signatures.size() > maxSignatures ? signatures.subList(0, maxSignatures) : signatures;
        return new Headers() {
            @Override
            public List<String> getFields() {
                return fields;
            }

            @Override
            public List<String> getFields(String name) {
                if (name == null) {
                    return List.of();
                }
                String key = name.trim().toLowerCase(Locale.ROOT);
                if (key.equals("dkim-signature")) {
                    return offered;
                }
                return byName.getOrDefault(key, List.of());
            }
        };
    }
}
