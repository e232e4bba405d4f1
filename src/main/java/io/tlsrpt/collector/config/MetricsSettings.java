package io.tlsrpt.collector.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * {@code tlsrpt.metrics.*}: the Prometheus endpoint {@code GET /prometheus}.
 *
 * @param enabled    answer {@code /prometheus} at all (404 when false)
 * @param maxDomains policy domains that get their own {@code policy_domain} label in {@code tlsrpt_sessions_total}:
 *                   the biggest by sessions; the rest are summed under {@code policy_domain="_other"}
 * @param refresh    the figures read from the database are computed at most this often (0: on every scrape)
 */
@ConfigurationProperties("tlsrpt.metrics")
public record MetricsSettings(
        @Bindable(defaultValue = "true") boolean enabled,
        @Bindable(defaultValue = "100") int maxDomains,
        @Bindable(defaultValue = "30s") Duration refresh) {

    public MetricsSettings {
        maxDomains = Math.max(0, maxDomains);
        refresh = refresh == null || refresh.isNegative() ? Duration.ZERO : refresh;
    }
}
