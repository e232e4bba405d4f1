package io.tlsrpt.collector.records;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** Certificate names (RFC 6125), trust against a trust store, and the TLSA forms of a chain (RFC 6698). */
final class Certificates {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private Certificates() {
    }

    /** The dNSName subjectAltNames, lower case; when there are none, the subject CN(s) ("legacy"). */
    static List<String> names(X509Certificate cert) {
        List<String> names = dnsNames(cert);
        if (!names.isEmpty()) {
            return names;
        }
        return commonNames(cert);
    }

    static List<String> dnsNames(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String s) {
                        String n = s.trim().toLowerCase(Locale.ROOT);
                        if (!out.contains(n) && out.size() < 500) {
                            out.add(n);
                        }
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // an unreadable extension: no names
        }
        return out;
    }

    static List<String> commonNames(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    out.add(String.valueOf(rdn.getValue()).toLowerCase(Locale.ROOT));
                }
            }
        } catch (InvalidNameException e) {
            // none
        }
        return out;
    }

    /**
     * RFC 6125 §6.4 (as RFC 8461 §3.3 and §4.2 use it): whether the certificate's DNS-IDs (subjectAltName dNSName;
     * the CN is not used) include the host, a "*" allowed only as the whole left-most label, matching one label.
     */
    static boolean matches(X509Certificate cert, String host) {
        for (String name : dnsNames(cert)) {
            if (nameMatches(name, host)) {
                return true;
            }
        }
        return false;
    }

    static boolean nameMatches(String certName, String host) {
        if (certName == null || host == null) {
            return false;
        }
        String n = DomainNames.strip(certName);
        String h = DomainNames.strip(host);
        if (n.startsWith("*.")) {
            String suffix = n.substring(1);
            // "*.com"-style names (a wildcard directly under a single label) match nothing
            if (suffix.indexOf('*') >= 0 || suffix.substring(1).indexOf('.') < 0 || !h.endsWith(suffix)) {
                return false;
            }
            String first = h.substring(0, h.length() - suffix.length());
            return !first.isEmpty() && first.indexOf('.') < 0;
        }
        return n.indexOf('*') < 0 && n.equals(h);
    }

    static boolean wildcard(X509Certificate cert) {
        return names(cert).stream().anyMatch(n -> n.startsWith("*"));
    }

    /**
     * TLSA association forms of the chain: "3 s m HEX" for the end-entity certificate and "2 s m HEX" for each
     * certificate above it, s = 0 (whole certificate) or 1 (SubjectPublicKeyInfo), m = 1 (SHA-256) or 2 (SHA-512).
     */
    static List<String> tlsaHashes(List<X509Certificate> chain) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            String usage = i == 0 ? "3" : "2";
            try {
                byte[] cert = c.getEncoded();
                byte[] spki = c.getPublicKey().getEncoded();
                out.add(usage + " 0 1 " + HEX.formatHex(digest("SHA-256", cert)));
                out.add(usage + " 1 1 " + HEX.formatHex(digest("SHA-256", spki)));
                out.add(usage + " 0 2 " + HEX.formatHex(digest("SHA-512", cert)));
                out.add(usage + " 1 2 " + HEX.formatHex(digest("SHA-512", spki)));
            } catch (CertificateException | RuntimeException e) {
                // an unreadable certificate has no hashes
            }
        }
        return out;
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loads the trust manager: the given PKCS12/JKS file, or the JVM's default trust store when path is null. */
    static X509TrustManager trustManager(String path, String password) {
        try {
            KeyStore ks = null;
            if (path != null) {
                char[] pw = password == null ? null : password.toCharArray();
                ks = load(Path.of(path), pw);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("no X509 trust manager");
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("tlsrpt.checks.trust-store: cannot load '" + path + "': "
                    + e.getMessage(), e);
        }
    }

    private static KeyStore load(Path path, char[] password) throws GeneralSecurityException, IOException {
        GeneralSecurityException last = null;
        for (String type : List.of("PKCS12", "JKS")) {
            try (InputStream in = Files.newInputStream(path)) {
                KeyStore ks = KeyStore.getInstance(type);
                ks.load(in, password);
                return ks;
            } catch (IOException e) {
                if (e.getCause() instanceof GeneralSecurityException g) {
                    last = g;
                } else if (type.equals("JKS")) {
                    throw e;
                }
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last != null ? last : new KeyStoreFormatException(path);
    }

    private static final class KeyStoreFormatException extends GeneralSecurityException {
        KeyStoreFormatException(Path path) {
            super("not a PKCS12 or JKS file: " + path);
        }
    }

    /** Null when the chain is trusted (PKIX, now); otherwise why not, in plain words. */
    static String untrustedReason(X509TrustManager trust, List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            return "no certificate was presented";
        }
        try {
            trust.checkServerTrusted(chain.toArray(new X509Certificate[0]), "UNKNOWN");
            return null;
        } catch (CertificateException e) {
            return plainReason(e);
        } catch (RuntimeException e) {
            return "the certificate could not be checked: " + e.getClass().getSimpleName();
        }
    }

    private static String plainReason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.security.cert.CertificateExpiredException) {
                return "a certificate in the chain has expired";
            }
            if (t instanceof java.security.cert.CertificateNotYetValidException) {
                return "a certificate in the chain is not valid yet";
            }
        }
        String m = String.valueOf(e.getMessage());
        if (m.contains("unable to find valid certification path") || m.contains("PKIX path building failed")) {
            return "it does not chain to a trusted CA (self-signed, a private CA, or the intermediate certificate "
                    + "is missing from the chain)";
        }
        if (m.toLowerCase(Locale.ROOT).contains("validity check failed") || m.contains("expired")) {
            return "a certificate in the chain has expired or is not valid yet";
        }
        return DomainNames.shorten(m);
    }
}
