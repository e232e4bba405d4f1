package io.tlsrpt.collector.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;
import java.util.Locale;

/**
 * {@code tlsrpt.imap.*}: reading reports from an existing mailbox (the rua is a mailbox elsewhere). Off while
 * {@code host} is unset or blank.
 *
 * @param host          IMAP server; unset: no IMAP
 * @param port          0: 993 for {@code ssl: tls}, 143 otherwise
 * @param ssl           {@code starttls} (required: the login never goes in clear), {@code tls} (IMAPS) or
 *                      {@code none} (plain; loopback or a trusted network only)
 * @param username      login name
 * @param password      password (better from the environment: TLSRPT_IMAP_PASSWORD)
 * @param folder        the folder the reports arrive in
 * @param pollInterval  how often the folder is read without IDLE, and the longest one IDLE waits before it is
 *                      renewed
 * @param after         what happens to a message once it is stored: {@code move} to {@code moveTo}, {@code flag}
 *                      (marked \Seen and with the keyword {@code tlsrpt-processed}, and skipped from then on) or
 *                      {@code delete}
 * @param moveTo        the folder messages are moved to (created when missing)
 * @param idle          wait for new mail with IMAP IDLE when the server offers it (else: poll)
 * @param timeout       connect and command time-out
 * @param maxBackoff    after an error the watcher reconnects after 1 s, doubling up to this
 */
@ConfigurationProperties("tlsrpt.imap")
public record ImapSettings(
        @Nullable String host,
        @Bindable(defaultValue = "0") int port,
        @Bindable(defaultValue = "starttls") String ssl,
        @Nullable String username,
        @Nullable String password,
        @Bindable(defaultValue = "INBOX") String folder,
        @Bindable(defaultValue = "60s") Duration pollInterval,
        @Bindable(defaultValue = "move") String after,
        @Bindable(defaultValue = "tlsrpt-processed") String moveTo,
        @Bindable(defaultValue = "true") boolean idle,
        @Bindable(defaultValue = "30s") Duration timeout,
        @Bindable(defaultValue = "5m") Duration maxBackoff) {

    public static final String FLAG_KEYWORD = "tlsrpt-processed";

    public ImapSettings {
        ssl = lower(ssl, "starttls");
        after = lower(after, "move");
        folder = folder == null || folder.isBlank() ? "INBOX" : folder.trim();
        moveTo = moveTo == null || moveTo.isBlank() ? "tlsrpt-processed" : moveTo.trim();
        pollInterval = pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()
                ? Duration.ofSeconds(60) : pollInterval;
        timeout = timeout == null || timeout.isNegative() || timeout.isZero() ? Duration.ofSeconds(30) : timeout;
        maxBackoff = maxBackoff == null || maxBackoff.compareTo(Duration.ofSeconds(1)) < 0
                ? Duration.ofSeconds(1) : maxBackoff;
    }

    /** Whether IMAP is configured at all. */
    public boolean enabled() {
        return host != null && !host.isBlank();
    }

    /** The port to connect to: the setting, or the protocol's default. */
    public int effectivePort() {
        return port > 0 ? port : "tls".equals(ssl) ? 993 : 143;
    }

    /** A message naming the first invalid setting, or null when all are valid. */
    public String problem() {
        if (!ssl.equals("starttls") && !ssl.equals("tls") && !ssl.equals("none")) {
            return "tlsrpt.imap.ssl must be starttls, tls or none, not '" + ssl + "'";
        }
        if (!after.equals("move") && !after.equals("flag") && !after.equals("delete")) {
            return "tlsrpt.imap.after must be move, flag or delete, not '" + after + "'";
        }
        if (port < 0 || port > 65535) {
            return "tlsrpt.imap.port must be between 0 and 65535";
        }
        if (username == null || username.isBlank()) {
            return "tlsrpt.imap.username (TLSRPT_IMAP_USERNAME) is needed with tlsrpt.imap.host";
        }
        if ("move".equals(after) && moveTo.equalsIgnoreCase(folder)) {
            return "tlsrpt.imap.move-to must differ from tlsrpt.imap.folder";
        }
        return null;
    }

    private static String lower(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.trim().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() { // never the password
        return "ImapSettings[host=" + host + ", port=" + effectivePort() + ", ssl=" + ssl + ", username=" + username
                + ", folder=" + folder + ", after=" + after + ", moveTo=" + moveTo + ", idle=" + idle + "]";
    }
}
