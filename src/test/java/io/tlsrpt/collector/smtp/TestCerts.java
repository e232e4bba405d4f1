package io.tlsrpt.collector.smtp;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.spec.ECGenParameterSpec;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/** A test CA and a server certificate for "localhost" signed by it, written as PEM files (BouncyCastle). */
final class TestCerts {
    final KeyPair caKeys;
    final X509Certificate ca;
    final KeyPair serverKeys;
    final X509Certificate server;

    private TestCerts(KeyPair caKeys, X509Certificate ca, KeyPair serverKeys, X509Certificate server) {
        this.caKeys = caKeys;
        this.ca = ca;
        this.serverKeys = serverKeys;
        this.server = server;
    }

    /** keyAlgorithm: "RSA" or "EC" for the server key; the CA is RSA. */
    static TestCerts create(String keyAlgorithm) {
        try {
            KeyPair caKeys = keys("RSA");
            X509Certificate ca = certificate("CN=tlsrpt test CA", caKeys, "CN=tlsrpt test CA", caKeys, true);
            KeyPair serverKeys = keys(keyAlgorithm);
            X509Certificate server = certificate("CN=localhost", serverKeys, "CN=tlsrpt test CA", caKeys, false);
            return new TestCerts(caKeys, ca, serverKeys, server);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair keys(String algorithm) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
        if (algorithm.equals("EC")) {
            g.initialize(new ECGenParameterSpec("secp256r1"));
        } else {
            g.initialize(2048);
        }
        return g.generateKeyPair();
    }

    private static X509Certificate certificate(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys,
                                               boolean isCa) throws Exception {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(now.toEpochMilli()).add(BigInteger.valueOf(System.nanoTime() & 0xffff)),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))),
                new X500Name(subject), subjectKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (!isCa) {
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
        }
        String sigAlg = issuerKeys.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder(sigAlg).build(issuerKeys.getPrivate())));
    }

    /** Server certificate then CA: the chain file. */
    String chainPem() {
        return pem(server) + pem(ca);
    }

    /** PKCS#8 "PRIVATE KEY". */
    String keyPkcs8Pem() {
        try {
            return pem(new JcaPKCS8Generator(serverKeys.getPrivate(), null).generate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** "RSA PRIVATE KEY" (PKCS#1) or "EC PRIVATE KEY" (SEC1), as openssl's traditional format writes them. */
    String keyTraditionalPem() {
        return pem(serverKeys.getPrivate());
    }

    /** "EC PRIVATE KEY" with its named curve in the [0] parameters, as openssl ec writes it. */
    String keySec1WithCurvePem() {
        java.security.interfaces.ECPrivateKey k = (java.security.interfaces.ECPrivateKey) serverKeys.getPrivate();
        try {
            org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, k.getS(),
                    new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.2.840.10045.3.1.7"));
            return pem(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", sec1.getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String pem(Object o) {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s.toString();
    }

    static Path write(Path dir, String name, String text) {
        try {
            Path p = dir.resolve(name);
            Files.writeString(p, text, StandardCharsets.US_ASCII);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client context that trusts only the test CA. */
    SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, tmf.getTrustManagers(), null);
            return c;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
