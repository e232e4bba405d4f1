package io.tlsrpt.collector.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;
import java.util.List;

/**
 * {@code tlsrpt.dns.*}: the one resolver configuration for every look-up (DESIGN.md).
 *
 * @param servers     resolvers as host or host:port; empty uses the system's resolvers
 * @param timeout     per query
 * @param retries     per query
 * @param cacheTtlCap answers are cached for their TTL, at most this long
 */
@ConfigurationProperties("tlsrpt.dns")
public record DnsConfig(
        @Bindable(defaultValue = "") List<String> servers,
        @Bindable(defaultValue = "5s") Duration timeout,
        @Bindable(defaultValue = "2") int retries,
        @Bindable(defaultValue = "5m") Duration cacheTtlCap) {
}
