package io.tlsrpt.collector.smtp;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server SSLContext from two PEM files, with the JDK alone: the certificate chain (server certificate first,
 * intermediates after it) and an unencrypted private key as PKCS#8 ("PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY") or
 * SEC1 ("EC PRIVATE KEY"), as certbot, acme.sh and openssl write them. Every failure is a {@link TlsSetupException}
 * whose message names the setting, the file and what is wrong with it.
 */
final class PemTls {
    static final String CERT_SETTING = "tlsrpt.smtp.tls.certificate";
    static final String KEY_SETTING = "tlsrpt.smtp.tls.private-key";
    private static final int MAX_FILE = 1 << 20;
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final char[] STORE_PASSWORD = "tlsrpt".toCharArray(); // in-memory key store only

    /** A configuration problem with the TLS files. */
    static final class TlsSetupException extends RuntimeException {
        TlsSetupException(String message) {
            super(message);
        }

        TlsSetupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What was loaded: the context, and the leaf certificate (for logging). */
    record Loaded(SSLContext context, X509Certificate leaf, List<X509Certificate> chain, List<String> warnings) {
    }

    private PemTls() {
    }

    static Loaded load(Path certificateFile, Path keyFile) {
        List<String> warnings = new ArrayList<>();
        List<X509Certificate> chain = certificates(certificateFile);
        X509Certificate leaf = chain.get(0);
        PrivateKey key = privateKey(keyFile, leaf);
        checkKeyMatches(key, leaf, certificateFile, keyFile, warnings);
        Instant now = Instant.now();
        if (leaf.getNotAfter().toInstant().isBefore(now)) {
            warnings.add(CERT_SETTING + ": " + certificateFile + ": the certificate expired on "
                    + leaf.getNotAfter().toInstant() + "; senders that check certificates will not use TLS");
        } else if (leaf.getNotAfter().toInstant().isBefore(now.plus(Duration.ofDays(14)))) {
            warnings.add(CERT_SETTING + ": " + certificateFile + ": the certificate expires on "
                    + leaf.getNotAfter().toInstant());
        }
        if (leaf.getNotBefore().toInstant().isAfter(now)) {
            warnings.add(CERT_SETTING + ": " + certificateFile + ": the certificate is valid only from "
                    + leaf.getNotBefore().toInstant());
        }
        worldReadable(keyFile).ifPresent(warnings::add);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("smtp", key, STORE_PASSWORD, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, STORE_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, new SecureRandom());
            return new Loaded(context, leaf, chain, warnings);
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsSetupException(CERT_SETTING + " / " + KEY_SETTING + ": cannot use " + certificateFile
                    + " with " + keyFile + ": " + e.getMessage(), e);
        }
    }

    static List<X509Certificate> certificates(Path file) {
        String text = read(file, CERT_SETTING);
        List<X509Certificate> out = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException(e);
        }
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            if (!m.group(1).equals("CERTIFICATE")) {
                continue; // a key or parameters in the same file
            }
            byte[] der = base64(m.group(2), file, CERT_SETTING, out.size() + 1);
            try {
                out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            } catch (CertificateException | ClassCastException e) {
                throw new TlsSetupException(CERT_SETTING + ": " + file + ": certificate " + (out.size() + 1)
                        + " is not a valid X.509 certificate: " + e.getMessage(), e);
            }
        }
        if (out.isEmpty()) {
            throw new TlsSetupException(CERT_SETTING + ": " + file
                    + ": no PEM certificate in it (expected -----BEGIN CERTIFICATE----- blocks, the server's first)");
        }
        return List.copyOf(out);
    }

    /** @param leaf the server's certificate: names the curve when an "EC PRIVATE KEY" does not */
    static PrivateKey privateKey(Path file, X509Certificate leaf) {
        String text = read(file, KEY_SETTING);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            switch (type) {
                case "PRIVATE KEY":
                    return pkcs8(base64(m.group(2), file, KEY_SETTING, 1), file);
                case "RSA PRIVATE KEY":
                    return pkcs8(Der.rsaPkcs1ToPkcs8(base64(m.group(2), file, KEY_SETTING, 1)), file);
                case "EC PRIVATE KEY":
                    try {
                        return pkcs8(Der.ecSec1ToPkcs8(base64(m.group(2), file, KEY_SETTING, 1),
                                Der.curveOf(leaf)), file);
                    } catch (IllegalArgumentException e) {
                        throw new TlsSetupException(KEY_SETTING + ": " + file + ": unreadable EC PRIVATE KEY: "
                                + e.getMessage(), e);
                    }
                case "ENCRYPTED PRIVATE KEY":
                    throw new TlsSetupException(KEY_SETTING + ": " + file + ": the key is encrypted; write it "
                            + "unencrypted (openssl pkey -in key.pem -out plain.pem) and make the file readable "
                            + "by this service only");
                default:
                    // certificates or parameters in the same file
            }
        }
        if (text.contains("Proc-Type: 4,ENCRYPTED")) {
            throw new TlsSetupException(KEY_SETTING + ": " + file + ": the key is encrypted; write it unencrypted "
                    + "(openssl pkey -in key.pem -out plain.pem)");
        }
        throw new TlsSetupException(KEY_SETTING + ": " + file + ": no PEM private key in it (expected "
                + "-----BEGIN PRIVATE KEY-----, -----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)");
    }

    private static PrivateKey pkcs8(byte[] der, Path file) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | RuntimeException e) {
                // try the next algorithm
            }
        }
        throw new TlsSetupException(KEY_SETTING + ": " + file
                + ": the private key is not a readable RSA, EC or EdDSA key");
    }

    private static void checkKeyMatches(PrivateKey key, X509Certificate leaf, Path certFile, Path keyFile,
                                        List<String> warnings) {
        PublicKey pub = leaf.getPublicKey();
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            warnings.add(KEY_SETTING + ": " + keyFile + ": cannot check that a " + key.getAlgorithm()
                    + " key belongs to the certificate");
            return;
        }
        boolean matches;
        try {
            byte[] probe = "tlsrpt-collector key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] sig = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(pub);
            verifier.update(probe);
            matches = verifier.verify(sig);
        } catch (GeneralSecurityException | RuntimeException e) {
            matches = false;
        }
        if (!matches) {
            throw new TlsSetupException(KEY_SETTING + ": " + keyFile + ": this " + key.getAlgorithm()
                    + " key does not belong to the first certificate in " + certFile + " ("
                    + leaf.getSubjectX500Principal().getName() + ", " + pub.getAlgorithm()
                    + "); the server's certificate must come first in " + CERT_SETTING);
        }
    }

    private static java.util.Optional<String> worldReadable(Path keyFile) {
        try {
            if (Files.getPosixFilePermissions(keyFile).contains(PosixFilePermission.OTHERS_READ)) {
                return java.util.Optional.of(KEY_SETTING + ": " + keyFile
                        + " is readable by every user on this machine; chmod o-r it");
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: nothing to say
        }
        return java.util.Optional.empty();
    }

    private static String read(Path file, String setting) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new TlsSetupException(setting + ": " + file + ": no such file");
            }
            if (Files.size(file) > MAX_FILE) {
                throw new TlsSetupException(setting + ": " + file + ": larger than 1 MiB, not a PEM file");
            }
            return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new TlsSetupException(setting + ": " + file + ": cannot read it: " + e, e);
        }
    }

    private static byte[] base64(String body, Path file, String setting, int index) {
        try {
            return Base64.getMimeDecoder().decode(body.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new TlsSetupException(setting + ": " + file + ": PEM block " + index + " is not valid base64", e);
        }
    }

    /** Just enough DER to wrap PKCS#1 and SEC1 keys into PKCS#8. */
    static final class Der {
        private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
                (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
        private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d,
                0x02, 0x01};
        private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

        private Der() {
        }

        static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
            return tlv(0x30, concat(VERSION_0, RSA_ALGORITHM, tlv(0x04, pkcs1)));
        }

        /**
         * PKCS#8 needs the curve in its algorithm identifier: from the SEC1 key's [0] parameters, or else from the
         * certificate (RFC 5915 keys may leave the parameters out).
         */
        static byte[] ecSec1ToPkcs8(byte[] sec1, byte[] fallbackCurve) {
            int[] seq = header(sec1, 0);
            if ((sec1[0] & 0xff) != 0x30) {
                throw new IllegalArgumentException("not a DER sequence");
            }
            int p = seq[0];
            int end = seq[0] + seq[1];
            byte[] curve = null;
            while (p < end) {
                int tag = sec1[p] & 0xff;
                int[] h = header(sec1, p);
                if (tag == 0xa0) {
                    int[] inner = header(sec1, h[0]);
                    if ((sec1[h[0]] & 0xff) != 0x06) {
                        throw new IllegalArgumentException("explicit curve parameters are not supported");
                    }
                    curve = java.util.Arrays.copyOfRange(sec1, h[0], inner[0] + inner[1]);
                }
                p = h[0] + h[1];
            }
            if (curve == null) {
                curve = fallbackCurve;
            }
            if (curve == null) {
                throw new IllegalArgumentException("the key does not name its curve, nor does the certificate");
            }
            return tlv(0x30, concat(VERSION_0, tlv(0x30, concat(EC_PUBLIC_KEY_OID, curve)), tlv(0x04, sec1)));
        }

        /** The named-curve OID (whole TLV) of an EC certificate's SubjectPublicKeyInfo, or null. */
        static byte[] curveOf(X509Certificate cert) {
            try {
                byte[] spki = cert.getPublicKey().getEncoded();
                int[] outer = header(spki, 0);
                int[] algorithm = header(spki, outer[0]);
                int p = algorithm[0];
                int[] oid = header(spki, p);
                byte[] first = java.util.Arrays.copyOfRange(spki, p, oid[0] + oid[1]);
                if (!java.util.Arrays.equals(first, EC_PUBLIC_KEY_OID)) {
                    return null;
                }
                p = oid[0] + oid[1];
                if (p >= algorithm[0] + algorithm[1] || spki[p] != 0x06) {
                    return null;
                }
                int[] curve = header(spki, p);
                return java.util.Arrays.copyOfRange(spki, p, curve[0] + curve[1]);
            } catch (RuntimeException e) {
                return null;
            }
        }

        /** {content offset, content length} of the element at {@code at}. */
        private static int[] header(byte[] d, int at) {
            if (at + 2 > d.length) {
                throw new IllegalArgumentException("truncated DER");
            }
            int len = d[at + 1] & 0xff;
            int off = at + 2;
            if (len > 0x80) {
                int n = len & 0x7f;
                if (n > 3 || off + n > d.length) {
                    throw new IllegalArgumentException("bad DER length");
                }
                len = 0;
                for (int i = 0; i < n; i++) {
                    len = (len << 8) | (d[off + i] & 0xff);
                }
                off += n;
            } else if (len == 0x80) {
                throw new IllegalArgumentException("indefinite DER length");
            }
            if (off + len > d.length) {
                throw new IllegalArgumentException("truncated DER");
            }
            return new int[]{off, len};
        }

        static byte[] tlv(int tag, byte[] content) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
            out.write(tag);
            int n = content.length;
            if (n < 0x80) {
                out.write(n);
            } else if (n < 0x100) {
                out.write(0x81);
                out.write(n);
            } else if (n < 0x10000) {
                out.write(0x82);
                out.write(n >> 8);
                out.write(n);
            } else {
                out.write(0x83);
                out.write(n >> 16);
                out.write(n >> 8);
                out.write(n);
            }
            out.writeBytes(content);
            return out.toByteArray();
        }

        private static byte[] concat(byte[]... parts) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] p : parts) {
                out.writeBytes(p);
            }
            return out.toByteArray();
        }
    }
}
