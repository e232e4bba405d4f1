package io.tlsrpt.collector.dkim;

import org.apache.james.jdkim.DKIMSigner;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Real RSA keys, real jDKIM signatures, and a KeyLookup served from a map. */
final class TestKeys {
    private static KeyPair rsa2048;
    private static KeyPair other2048;

    private TestKeys() {
    }

    static synchronized KeyPair rsa2048() {
        if (rsa2048 == null) {
            rsa2048 = generate(2048);
        }
        return rsa2048;
    }

    static synchronized KeyPair other2048() {
        if (other2048 == null) {
            other2048 = generate(2048);
        }
        return other2048;
    }

    static KeyPair generate(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "v=DKIM1; k=rsa; [extra] p=..." for the key pair's public key. */
    static String keyRecord(KeyPair kp, String extraTags) {
        return "v=DKIM1; k=rsa; " + (extraTags == null ? "" : extraTags)
                + "p=" + Base64.getEncoder().encodeToString(kp.getPublic().getEncoded());
    }

    /**
     * Signs a CRLF message with jDKIM's signer and returns it with the DKIM-Signature on top.
     *
     * @param template e.g. "v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel; h=from:to:subject; bh=; b=;"
     */
    static String sign(String crlfMessage, String template, KeyPair kp) {
        try {
            DKIMSigner signer = new DKIMSigner(template, kp.getPrivate());
            String header = signer.sign(new ByteArrayInputStream(crlfMessage.getBytes(StandardCharsets.UTF_8)));
            return header + "\r\n" + crlfMessage;
        } catch (Exception e) {
            throw new IllegalStateException("signing failed", e);
        }
    }

    /**
     * An independent relaxed/relaxed rsa-sha256 signer written from RFC 6376 with java.security only (no jDKIM), so
     * that the tests do not only check jDKIM against itself, and so that signatures with any t=/x= can be made
     * (jDKIM's signer refuses an x= in the past).
     *
     * @param extraTags e.g. "t=1725447200; x=1726052000; " (or "")
     */
    static String signRfc6376(String crlfMessage, String domain, String selector, List<String> signedHeaders,
                              String extraTags, KeyPair kp) {
        try {
            int split = crlfMessage.indexOf("\r\n\r\n");
            String head = split < 0 ? crlfMessage : crlfMessage.substring(0, split + 2);
            String body = split < 0 ? "" : crlfMessage.substring(split + 4);
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            String bh = Base64.getEncoder().encodeToString(sha.digest(relaxedBody(body)
                    .getBytes(StandardCharsets.UTF_8)));
            List<String> fields = unfoldFields(head);
            StringBuilder canon = new StringBuilder();
            Map<String, Integer> used = new HashMap<>();
            for (String h : signedHeaders) {
                String name = h.toLowerCase(java.util.Locale.ROOT);
                int skip = used.merge(name, 1, Integer::sum);
                int seen = 0;
                for (int i = fields.size() - 1; i >= 0; i--) { // bottom-up
                    String f = fields.get(i);
                    String fname = f.substring(0, f.indexOf(':')).trim().toLowerCase(java.util.Locale.ROOT);
                    if (fname.equals(name) && ++seen == skip) {
                        canon.append(relaxedHeader(f)).append("\r\n");
                        break;
                    }
                }
            }
            String value = " v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + domain + "; s=" + selector + ";\r\n\t"
                    + extraTags + "h=" + String.join(":", signedHeaders) + ";\r\n\tbh=" + bh + ";\r\n\tb=";
            canon.append(relaxedHeader("DKIM-Signature:" + value));
            java.security.Signature rsa = java.security.Signature.getInstance("SHA256withRSA");
            rsa.initSign(kp.getPrivate());
            rsa.update(canon.toString().getBytes(StandardCharsets.UTF_8));
            String b = Base64.getEncoder().encodeToString(rsa.sign());
            StringBuilder folded = new StringBuilder();
            for (int i = 0; i < b.length(); i += 64) {
                folded.append(i == 0 ? "" : "\r\n\t ").append(b, i, Math.min(b.length(), i + 64));
            }
            return "DKIM-Signature:" + value + folded + "\r\n" + crlfMessage;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> unfoldFields(String head) {
        List<String> fields = new ArrayList<>();
        for (String line : head.split("\r\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if ((line.startsWith(" ") || line.startsWith("\t")) && !fields.isEmpty()) {
                fields.set(fields.size() - 1, fields.get(fields.size() - 1) + "\r\n" + line);
            } else {
                fields.add(line);
            }
        }
        return fields;
    }

    private static String relaxedHeader(String field) {
        int colon = field.indexOf(':');
        String name = field.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT);
        String value = field.substring(colon + 1).replace("\r\n", "").replaceAll("[ \t]+", " ").trim();
        return name + ":" + value;
    }

    private static String relaxedBody(String body) {
        String[] lines = body.split("\r\n", -1);
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            out.add(l.replaceAll("[ \t]+", " ").replaceAll(" $", ""));
        }
        while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out.isEmpty() ? "" : String.join("\r\n", out) + "\r\n";
    }

    static String template(String domain, String selector) {
        return "v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + domain + "; s=" + selector
                + "; h=from:to:subject:date:message-id:tls-report-domain:tls-report-submitter; bh=; b=;";
    }

    static String crlf(String lfText) {
        return lfText.replace("\r\n", "\n").replace("\n", "\r\n");
    }

    static String lf(String text) {
        return text.replace("\r\n", "\n");
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A KeyLookup over a map name → answer (missing names: NOT_FOUND), counting the queries. */
    static final class MapLookup implements KeyLookup {
        final Map<String, KeyAnswer> answers = new HashMap<>();
        final List<String> queries = new ArrayList<>();
        final AtomicInteger count = new AtomicInteger();

        MapLookup key(String selector, String domain, String... records) {
            answers.put(selector + "._domainkey." + domain, KeyAnswer.found(List.of(records)));
            return this;
        }

        MapLookup answer(String selector, String domain, KeyAnswer answer) {
            answers.put(selector + "._domainkey." + domain, answer);
            return this;
        }

        @Override
        public synchronized KeyAnswer txt(String name) {
            count.incrementAndGet();
            queries.add(name);
            return answers.getOrDefault(name, KeyAnswer.notFound("NXDOMAIN"));
        }
    }
}
