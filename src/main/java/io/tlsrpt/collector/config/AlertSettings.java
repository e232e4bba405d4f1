package io.tlsrpt.collector.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * {@code tlsrpt.alerts.*}: alerts when something breaks. Events are always evaluated and listed on
 * {@code /alerts}; they are sent to a webhook when {@code webhookUrl} is set and by e-mail when
 * {@code tlsrpt.alerts.smtp.host} and {@code .to} are set ({@link AlertSmtpSettings}).
 *
 * @param enabled            evaluate alerts at all
 * @param failureRate        a domain's failed share of sessions over the last day above which it alerts
 * @param minSessions        ... when it had at least this many sessions that day
 * @param newFailureDays     a failure group (domain, result type, receiving MX) counts as new when it shows up in
 *                           reports of the last this many days and never before: back-filled history does not alert
 * @param silenceDays        a reporter that stops sending: this many days without a report from it for a domain ...
 * @param minConsecutiveDays ... after at least this many consecutive daily reports
 * @param cooldown           a failure rate that stays above the threshold alerts again after this long (a new
 *                           failure group and a reporter's stop alert once)
 * @param interval           how often everything is evaluated (besides right after reports are stored)
 * @param maxPerRun          alerts raised by one evaluation at most; the rest wait for the next one
 * @param webhookUrl         http(s) URL that gets a JSON POST per alert (the operator's own; private addresses are
 *                           allowed)
 * @param webhookTimeout     connect and response time-out of one POST
 * @param webhookRetries     attempts after the first that failed (connection error, 408, 429 or 5xx)
 * @param webhookBackoff     the wait before the first retry, doubling for each further one
 * @param dashboardUrl       the dashboard's address as the operator reaches it, for links in alerts
 */
@ConfigurationProperties("tlsrpt.alerts")
public record AlertSettings(
        @Bindable(defaultValue = "true") boolean enabled,
        @Bindable(defaultValue = "0.05") double failureRate,
        @Bindable(defaultValue = "100") long minSessions,
        @Bindable(defaultValue = "3") int newFailureDays,
        @Bindable(defaultValue = "2") int silenceDays,
        @Bindable(defaultValue = "5") int minConsecutiveDays,
        @Bindable(defaultValue = "24h") Duration cooldown,
        @Bindable(defaultValue = "1h") Duration interval,
        @Bindable(defaultValue = "50") int maxPerRun,
        @Nullable String webhookUrl,
        @Bindable(defaultValue = "10s") Duration webhookTimeout,
        @Bindable(defaultValue = "3") int webhookRetries,
        @Bindable(defaultValue = "2s") Duration webhookBackoff,
        @Nullable String dashboardUrl) {

    public AlertSettings {
        webhookUrl = webhookUrl == null || webhookUrl.isBlank() ? null : webhookUrl.trim();
        dashboardUrl = dashboardUrl == null || dashboardUrl.isBlank() ? null : dashboardUrl.trim();
        newFailureDays = Math.max(1, newFailureDays);
        silenceDays = Math.max(1, silenceDays);
        minConsecutiveDays = Math.max(1, minConsecutiveDays);
        maxPerRun = Math.max(1, maxPerRun);
        webhookRetries = Math.max(0, Math.min(10, webhookRetries));
        cooldown = cooldown == null || cooldown.isNegative() ? Duration.ZERO : cooldown;
        interval = interval == null || interval.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofHours(1) : interval;
        webhookTimeout = webhookTimeout == null || webhookTimeout.isNegative() || webhookTimeout.isZero()
                ? Duration.ofSeconds(10) : webhookTimeout;
        webhookBackoff = webhookBackoff == null || webhookBackoff.isNegative() ? Duration.ofSeconds(2)
                : webhookBackoff;
    }
}
