package io.tlsrpt.collector.records;

import java.time.Duration;
import java.util.List;

/**
 * {@code tlsrpt.dns.*}: how the collector looks up the records a domain publishes.
 *
 * @param servers     resolvers as "host:port" or "host" (port 53); empty uses the system's resolvers
 *                    (/etc/resolv.conf and the like, as dnsjava reads them)
 * @param timeout     wait for one answer from one server
 * @param retries     further attempts per server after the first one times out
 * @param cacheTtlCap answers are cached for min(TTL, this); zero turns the cache off
 */
public record DnsSettings(List<String> servers, Duration timeout, int retries, Duration cacheTtlCap) {

    public DnsSettings {
        servers = servers == null ? List.of() : servers.stream()
                .filter(s -> s != null && !s.isBlank()).map(String::trim).toList();
        timeout = timeout == null || timeout.isNegative() || timeout.isZero() ? Duration.ofSeconds(5) : timeout;
        retries = Math.max(0, Math.min(retries, 10));
        cacheTtlCap = cacheTtlCap == null || cacheTtlCap.isNegative() ? Duration.ofMinutes(5) : cacheTtlCap;
    }

    /** System resolvers, 5 s, 2 retries, answers cached for at most 5 minutes. */
    public static DnsSettings defaults() {
        return new DnsSettings(List.of(), Duration.ofSeconds(5), 2, Duration.ofMinutes(5));
    }
}
