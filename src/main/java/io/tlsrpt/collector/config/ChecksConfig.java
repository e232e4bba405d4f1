package io.tlsrpt.collector.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * {@code tlsrpt.checks.*}: look-ups and checks of the records each domain publishes.
 *
 * @param enabled               check domains on a schedule and after reports arrive (the check page works anyway)
 * @param interval              how often each domain with reports is checked again
 * @param afterReport           a report for a domain not checked for this long triggers a check soon after
 * @param starttls              probe each MX with STARTTLS on port 25
 * @param allowPrivateNetworks  let the policy fetch and the probe connect to private, loopback and link-local
 *                              addresses (off: names chosen by strangers must not reach the local network)
 * @param smtpPort              port of the STARTTLS probe (25; tests change it)
 * @param httpsPort             port of the MTA-STS policy fetch (443; tests change it)
 * @param connectTimeout        for the fetch and the probe
 * @param readTimeout           for the fetch and the probe
 * @param trustStore            a PKCS12/JKS trust store to judge certificates by instead of the JVM's
 * @param trustStorePassword    its password
 */
@ConfigurationProperties("tlsrpt.checks")
public record ChecksConfig(
        @Bindable(defaultValue = "true") boolean enabled,
        @Bindable(defaultValue = "6h") Duration interval,
        @Bindable(defaultValue = "1h") Duration afterReport,
        @Bindable(defaultValue = "true") boolean starttls,
        @Bindable(defaultValue = "false") boolean allowPrivateNetworks,
        @Bindable(defaultValue = "25") int smtpPort,
        @Bindable(defaultValue = "443") int httpsPort,
        @Bindable(defaultValue = "10s") Duration connectTimeout,
        @Bindable(defaultValue = "10s") Duration readTimeout,
        @Nullable String trustStore,
        @Nullable String trustStorePassword) {
}
