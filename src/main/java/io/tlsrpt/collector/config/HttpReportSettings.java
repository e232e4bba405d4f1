package io.tlsrpt.collector.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.util.List;

/**
 * {@code tlsrpt.http.*}: reports posted over HTTPS (RFC 8460 §5.4). The body size limit is the mail one,
 * {@code tlsrpt.smtp.max-message-size}.
 *
 * @param reportPath       the path reporters POST to (the {@code https:} URI in the rua of the TLSRPT record); it
 *                         needs no dashboard login
 * @param reportsPerMinute posts per client IP address (IPv6: one /64) per minute, as a token bucket that refills
 *                         continuously; more answer 429 with {@code Retry-After}; 0 for no limit
 * @param trustedProxies   addresses or CIDR networks of reverse proxies whose {@code X-Forwarded-For} names the real
 *                         client; empty: the address of the connection is the client, whatever the header says
 */
@ConfigurationProperties("tlsrpt.http")
public record HttpReportSettings(
        @Bindable(defaultValue = "/tlsrpt") String reportPath,
        @Bindable(defaultValue = "60") int reportsPerMinute,
        @Bindable(defaultValue = "") List<String> trustedProxies) {

    public HttpReportSettings {
        reportPath = reportPath == null || reportPath.isBlank() ? "/tlsrpt" : reportPath.trim();
        if (!reportPath.startsWith("/")) {
            reportPath = "/" + reportPath;
        }
        trustedProxies = trustedProxies == null ? List.of()
                : trustedProxies.stream().filter(v -> v != null && !v.isBlank()).map(String::trim).toList();
    }
}
