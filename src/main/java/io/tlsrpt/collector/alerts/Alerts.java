package io.tlsrpt.collector.alerts;

import io.tlsrpt.collector.config.AlertSettings;
import io.tlsrpt.collector.config.AlertSmtpSettings;
import io.tlsrpt.collector.store.AlertStore;
import io.tlsrpt.collector.store.Page;
import io.tlsrpt.collector.store.PageRequest;
import jakarta.inject.Singleton;

/** The alerts list for the page and the API, and what is configured. */
@Singleton
public class Alerts {
    private final AlertStore store;
    private final AlertSettings settings;
    private final AlertSmtpSettings smtp;

    public Alerts(AlertStore store, AlertSettings settings, AlertSmtpSettings smtp) {
        this.store = store;
        this.settings = settings;
        this.smtp = smtp;
    }

    /** Alerts, newest first; {@code domain} and {@code kind} filter when not null. */
    public Page<AlertView> list(String domain, String kind, PageRequest page) {
        Page<AlertStore.AlertRow> rows = store.alerts(domain, kind, page);
        return new Page<>(rows.items().stream().map(AlertView::of).toList(), rows.total(), rows.limit(),
                rows.offset());
    }

    /** What the page says about the configuration. */
    public record Configuration(boolean enabled, boolean webhook, boolean email, double failureRate, long minSessions,
                                int newFailureDays, int silenceDays, int minConsecutiveDays, String cooldown) {
    }

    public Configuration configuration() {
        return new Configuration(settings.enabled(), settings.webhookUrl() != null, smtp.enabled(),
                settings.failureRate(), settings.minSessions(), settings.newFailureDays(), settings.silenceDays(),
                settings.minConsecutiveDays(), settings.cooldown().toString().substring(2).toLowerCase());
    }
}
