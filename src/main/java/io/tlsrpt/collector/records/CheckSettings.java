package io.tlsrpt.collector.records;

import java.time.Duration;

/**
 * {@code tlsrpt.checks.*}: the checks of what a domain publishes.
 *
 * @param starttls              probe each MX host with STARTTLS
 * @param allowPrivateNetworks  let the policy fetch and the probe connect to private, loopback, link-local,
 *                              unique-local, multicast and unspecified addresses (off: names strangers choose must
 *                              not reach the collector's own network); tests turn it on
 * @param smtpPort              port the probe connects to (25; tests use their own server's port)
 * @param httpsPort             port the policy fetch connects to (443; tests use their own server's port)
 * @param connectTimeout        TCP connect time-out
 * @param readTimeout           time-out of each read; a whole fetch or probe is also bounded (see the classes)
 * @param trustStore            PKCS12 or JKS file with the trusted CAs, instead of the JVM's default trust store;
 *                              null uses the JVM's
 * @param trustStorePassword    its password (may be null)
 */
public record CheckSettings(boolean starttls, boolean allowPrivateNetworks, int smtpPort, int httpsPort,
                            Duration connectTimeout, Duration readTimeout, String trustStore,
                            String trustStorePassword) {

    public CheckSettings {
        smtpPort = smtpPort <= 0 || smtpPort > 65535 ? 25 : smtpPort;
        httpsPort = httpsPort <= 0 || httpsPort > 65535 ? 443 : httpsPort;
        connectTimeout = positive(connectTimeout, Duration.ofSeconds(10));
        readTimeout = positive(readTimeout, Duration.ofSeconds(10));
        trustStore = trustStore == null || trustStore.isBlank() ? null : trustStore;
    }

    private static Duration positive(Duration d, Duration otherwise) {
        return d == null || d.isNegative() || d.isZero() ? otherwise : d;
    }

    /** STARTTLS probe on, public addresses only, ports 25 and 443, 10 s time-outs, the JVM's trust store. */
    public static CheckSettings defaults() {
        return new CheckSettings(true, false, 25, 443, Duration.ofSeconds(10), Duration.ofSeconds(10), null, null);
    }

    public CheckSettings withPorts(int smtpPort, int httpsPort) {
        return new CheckSettings(starttls, allowPrivateNetworks, smtpPort, httpsPort, connectTimeout, readTimeout,
                trustStore, trustStorePassword);
    }

    public CheckSettings withStarttls(boolean on) {
        return new CheckSettings(on, allowPrivateNetworks, smtpPort, httpsPort, connectTimeout, readTimeout,
                trustStore, trustStorePassword);
    }

    public CheckSettings withAllowPrivateNetworks(boolean allow) {
        return new CheckSettings(starttls, allow, smtpPort, httpsPort, connectTimeout, readTimeout,
                trustStore, trustStorePassword);
    }

    public CheckSettings withTrustStore(String path, String password) {
        return new CheckSettings(starttls, allowPrivateNetworks, smtpPort, httpsPort, connectTimeout, readTimeout,
                path, password);
    }

    public CheckSettings withTimeouts(Duration connect, Duration read) {
        return new CheckSettings(starttls, allowPrivateNetworks, smtpPort, httpsPort, connect, read,
                trustStore, trustStorePassword);
    }
}
