package io.tlsrpt.collector.published;

import io.micronaut.context.annotation.Factory;
import io.tlsrpt.collector.config.ChecksConfig;
import io.tlsrpt.collector.config.DnsConfig;
import io.tlsrpt.collector.config.SmtpSettings;
import io.tlsrpt.collector.records.CheckSettings;
import io.tlsrpt.collector.records.DnsSettings;
import io.tlsrpt.collector.records.RecordsChecker;
import io.tlsrpt.collector.records.Resolver;
import jakarta.inject.Singleton;

/** The resolver and the checker, built from {@code tlsrpt.dns.*} and {@code tlsrpt.checks.*}. */
@Factory
class RecordsFactory {
    @Singleton
    Resolver resolver(DnsConfig dns) {
        return new Resolver(new DnsSettings(dns.servers(), dns.timeout(), dns.retries(), dns.cacheTtlCap()));
    }

    @Singleton
    RecordsChecker checker(Resolver resolver, ChecksConfig checks, SmtpSettings smtp) {
        return new RecordsChecker(resolver, new CheckSettings(checks.starttls(), checks.allowPrivateNetworks(),
                checks.smtpPort(), checks.httpsPort(), checks.connectTimeout(), checks.readTimeout(),
                checks.trustStore(), checks.trustStorePassword()), smtp.recipients());
    }
}
