package io.tlsrpt.collector.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;
import java.util.List;

/**
 * {@code tlsrpt.alerts.smtp.*}: alert e-mails through a relay. Off while {@code host} or {@code to} is unset.
 *
 * @param host     the relay
 * @param port     its port
 * @param from     the sender address of alert e-mails
 * @param to       recipients
 * @param username login at the relay, if it wants one
 * @param password its password (TLSRPT_ALERTS_SMTP_PASSWORD)
 * @param starttls {@code true}: STARTTLS is required (and the certificate checked) before anything is sent
 * @param timeout  connect and read time-out
 */
@ConfigurationProperties("tlsrpt.alerts.smtp")
public record AlertSmtpSettings(
        @Nullable String host,
        @Bindable(defaultValue = "25") int port,
        @Bindable(defaultValue = "tlsrpt-collector@localhost") String from,
        @Bindable(defaultValue = "") List<String> to,
        @Nullable String username,
        @Nullable String password,
        @Bindable(defaultValue = "false") boolean starttls,
        @Bindable(defaultValue = "30s") Duration timeout) {

    public AlertSmtpSettings {
        host = host == null || host.isBlank() ? null : host.trim();
        to = to == null ? List.of() : to.stream().filter(t -> t != null && !t.isBlank()).map(String::trim).toList();
        timeout = timeout == null || timeout.isNegative() || timeout.isZero() ? Duration.ofSeconds(30) : timeout;
    }

    public boolean enabled() {
        return host != null && !to.isEmpty();
    }

    @Override
    public String toString() {
        return "AlertSmtpSettings[host=" + host + ", port=" + port + ", from=" + from + ", to=" + to + "]";
    }
}
