package io.tlsrpt.collector.support;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Certificates made at test time with BouncyCastle: a test CA, server certificates it issues (any names, any
 * validity, or self-signed), a PKCS12 trust store holding the CA (for {@code CheckSettings.trustStore}), and server
 * SSLContexts that pick the certificate by SNI, so one test server can act as many hosts.
 *
 * <pre>{@code
 * TestCertificates.Ca ca = TestCertificates.ca("Test CA");
 * TestCertificates.Issued mx1 = ca.issue("mx1.example.test");
 * TestCertificates.Issued expired = ca.issue(List.of("mx2.example.test"), now.minus(30 days), now.minus(1 day));
 * Path trust = ca.trustStore(tempDir);          // password TestCertificates.PASSWORD
 * SSLContext server = TestCertificates.serverContext(Map.of("mx1.example.test", mx1), mx1);
 * }</pre>
 */
public final class TestCertificates {
    public static final String PASSWORD = "changeit";
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestCertificates() {
    }

    /** A private key and its chain (end-entity first, then the issuing CA unless self-signed). */
    public record Issued(PrivateKey key, X509Certificate[] chain) {
        public X509Certificate certificate() {
            return chain[0];
        }
    }

    /** A certificate authority for tests. */
    public static final class Ca {
        private final KeyPair keys;
        private final X509Certificate certificate;
        private final X500Name name;

        private Ca(KeyPair keys, X509Certificate certificate, X500Name name) {
            this.keys = keys;
            this.certificate = certificate;
            this.name = name;
        }

        public X509Certificate certificate() {
            return certificate;
        }

        /** A server certificate for these DNS names (the first is also the CN), valid from an hour ago for 90 days. */
        public Issued issue(String... dnsNames) {
            Instant now = Instant.now();
            return issue(List.of(dnsNames), now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(90)));
        }

        /** A server certificate for these DNS names with the given validity. */
        public Issued issue(List<String> dnsNames, Instant notBefore, Instant notAfter) {
            try {
                KeyPair kp = ecKeys();
                X500Name subject = new X500Name("CN=" + (dnsNames.isEmpty() ? "no-name" : dnsNames.get(0)));
                X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(notBefore),
                        Date.from(notAfter), subject, kp.getPublic());
                JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature
                        | KeyUsage.keyEncipherment | KeyUsage.keyAgreement));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[]{
                        KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
                if (!dnsNames.isEmpty()) {
                    GeneralName[] names = dnsNames.stream().map(n -> new GeneralName(GeneralName.dNSName, n))
                            .toArray(GeneralName[]::new);
                    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
                }
                b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
                b.addExtension(Extension.authorityKeyIdentifier, false,
                        ext.createAuthorityKeyIdentifier(certificate));
                X509Certificate cert = sign(b, keys.getPrivate());
                return new Issued(kp.getPrivate(), new X509Certificate[]{cert, certificate});
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** A PKCS12 trust store holding only this CA, written into dir; its password is {@link #PASSWORD}. */
        public Path trustStore(Path dir) {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setCertificateEntry("test-ca", certificate);
                Path file = Files.createTempFile(dir, "trust", ".p12");
                try (OutputStream out = Files.newOutputStream(file)) {
                    ks.store(out, PASSWORD.toCharArray());
                }
                return file;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A new CA (EC P-256, valid from a day ago for ten years). */
    public static Ca ca(String commonName) {
        try {
            KeyPair kp = ecKeys();
            X500Name name = new X500Name("CN=" + commonName + ", O=tlsrpt-collector tests");
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), name,
                    kp.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
            return new Ca(kp, sign(b, kp.getPrivate()), name);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed server certificate for these names (trusted by no one). */
    public static Issued selfSigned(String... dnsNames) {
        try {
            KeyPair kp = ecKeys();
            X500Name subject = new X500Name("CN=" + dnsNames[0]);
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(90))), subject,
                    kp.getPublic());
            GeneralName[] names = java.util.Arrays.stream(dnsNames).map(n -> new GeneralName(GeneralName.dNSName, n))
                    .toArray(GeneralName[]::new);
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            return new Issued(kp.getPrivate(), new X509Certificate[]{sign(b, kp.getPrivate())});
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A server SSLContext that presents, for each handshake, the certificate registered for the SNI host name
     * (case-insensitive; a "*.x" key matches one label), or the fallback when there is no SNI or no entry.
     */
    public static SSLContext serverContext(Map<String, Issued> bySni, Issued fallback) {
        return serverContext(new SniKeyManager(bySni, fallback));
    }

    /** A server SSLContext with the given SNI key manager (keep it to add hosts later and count handshakes). */
    public static SSLContext serverContext(SniKeyManager keyManager) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(new KeyManager[]{keyManager}, null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Chooses the server certificate by SNI; counts the handshakes it served. */
    public static final class SniKeyManager extends X509ExtendedKeyManager {
        private final Map<String, Issued> byAlias = new ConcurrentHashMap<>();
        private volatile Issued fallback;
        private final AtomicInteger handshakes = new AtomicInteger();
        private final List<String> requestedNames = java.util.Collections.synchronizedList(new ArrayList<>());

        public SniKeyManager(Map<String, Issued> bySni, Issued fallback) {
            bySni.forEach((k, v) -> byAlias.put(k.toLowerCase(Locale.ROOT), v));
            this.fallback = fallback;
        }

        /** Presents this certificate for this SNI name from now on. */
        public void put(String sni, Issued issued) {
            byAlias.put(sni.toLowerCase(Locale.ROOT), issued);
        }

        public void fallback(Issued issued) {
            this.fallback = issued;
        }

        /** Handshakes that reached certificate selection. */
        public int handshakes() {
            return handshakes.get();
        }

        /** The SNI names clients asked for, in order ("" without SNI). */
        public List<String> requestedNames() {
            return List.copyOf(requestedNames);
        }

        private String choose(SSLSession handshake) {
            handshakes.incrementAndGet();
            String sni = "";
            if (handshake instanceof ExtendedSSLSession ext) {
                for (SNIServerName n : ext.getRequestedServerNames()) {
                    if (n instanceof SNIHostName h) {
                        sni = h.getAsciiName().toLowerCase(Locale.ROOT);
                    }
                }
            }
            requestedNames.add(sni);
            if (byAlias.containsKey(sni)) {
                return sni;
            }
            int dot = sni.indexOf('.');
            if (dot > 0 && byAlias.containsKey("*" + sni.substring(dot))) {
                return "*" + sni.substring(dot);
            }
            return fallback == null ? null : "#fallback";
        }

        private Issued issued(String alias) {
            return "#fallback".equals(alias) ? fallback : byAlias.get(alias);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return matchingType(choose(engine.getHandshakeSession()), keyType);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            SSLSession s = socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null;
            return matchingType(choose(s), keyType);
        }

        private String matchingType(String alias, String keyType) {
            Issued i = alias == null ? null : issued(alias);
            if (i == null) {
                return null;
            }
            String alg = i.key().getAlgorithm();
            boolean ok = keyType == null || keyType.equalsIgnoreCase(alg)
                    || (alg.equals("EC") && keyType.toUpperCase(Locale.ROOT).startsWith("EC"));
            if (!ok) {
                // This handshake asked for another key type; the counter was bumped for a real attempt anyway.
                handshakes.decrementAndGet();
                requestedNames.remove(requestedNames.size() - 1);
            }
            return ok ? alias : null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            Issued i = issued(alias);
            return i == null ? null : i.chain().clone();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            Issued i = issued(alias);
            return i == null ? null : i.key();
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return byAlias.keySet().toArray(new String[0]);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
            throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
