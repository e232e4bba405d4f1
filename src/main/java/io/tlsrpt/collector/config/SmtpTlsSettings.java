package io.tlsrpt.collector.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

/**
 * {@code tlsrpt.smtp.tls.*}: STARTTLS on the SMTP receiver. Off while both are unset; setting only one of them, or
 * files that cannot be read as PEM, stops the start with a message naming the setting. TLS 1.2 and 1.3 only.
 * Plain SMTP keeps working either way: STARTTLS is offered, never required, because reports must get through even
 * when a sender's TLS fails.
 *
 * @param certificate PEM file with the certificate chain, the server's certificate first
 * @param privateKey  PEM file with the certificate's private key, unencrypted (PKCS#8 "PRIVATE KEY", PKCS#1
 *                    "RSA PRIVATE KEY" or SEC1 "EC PRIVATE KEY")
 */
@ConfigurationProperties("tlsrpt.smtp.tls")
public record SmtpTlsSettings(@Nullable String certificate, @Nullable String privateKey) {

    /** Whether either file is named at all (blank counts as unset, as an empty environment variable does). */
    public boolean configured() {
        return !blank(certificate) || !blank(privateKey);
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
