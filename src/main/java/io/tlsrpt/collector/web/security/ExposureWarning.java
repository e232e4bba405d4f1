package io.tlsrpt.collector.web.security;

import io.micronaut.context.annotation.Property;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.tlsrpt.collector.config.HttpAuthSettings;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * At start: says which login protects the dashboard, and warns loudly when HTTP listens on anything but loopback
 * ({@code micronaut.server.host} not 127.0.0.1, ::1 or localhost; unset means every interface) with no login set.
 */
@Singleton
public class ExposureWarning implements ApplicationEventListener<ServerStartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(ExposureWarning.class);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final HttpAuthSettings settings;
    private final String host;

    private final OpenPaths openPaths;

    public ExposureWarning(HttpAuthSettings settings, @Property(name = "micronaut.server.host") @Nullable String host,
                           @Property(name = "tlsrpt.http.report-path") @Nullable String reportPath) {
        this.settings = settings;
        this.host = host;
        this.openPaths = OpenPaths.of(settings, reportPath);
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        report(LOG, event.getSource().getPort());
    }

    /** Logs the state of access control; returns the warning when one was logged, else null. */
    String report(Logger log, int port) {
        String where = where(host, port);
        String warning = warning(host, settings, port);
        if (warning != null) {
            log.warn(warning);
        } else if (settings.loginRequired()) {
            log.info("HTTP on {}: login required ({}{}{}); open without login: {}", where,
                    settings.users().isEmpty() ? "" : "Basic for " + settings.users().size() + " user(s)",
                    !settings.users().isEmpty() && settings.token() != null ? ", " : "",
                    settings.token() == null ? "" : "bearer token", openPaths);
        } else {
            log.info("HTTP on {} (loopback only): no login configured", where);
        }
        return warning;
    }

    /**
     * The warning for a bind address without a login, or null when a login is set or the address is loopback.
     *
     * @param host {@code micronaut.server.host}; null or blank means every interface
     */
    public static String warning(@Nullable String host, HttpAuthSettings settings, int port) {
        if (settings.loginRequired() || isLoopback(host)) {
            return null;
        }
        return String.join("\n", List.of(
                "",
                "************************************************************************************************",
                "*  WARNING: the dashboard and the API listen on " + where(host, port) + " WITHOUT ANY LOGIN.",
                "*  Anyone who can reach this address can read every report and message, and reprocess them.",
                "*  Set tlsrpt.http.auth.users (TLSRPT_HTTP_AUTH_USERS, hashes from the hash-password command)",
                "*  and/or tlsrpt.http.auth.token (TLSRPT_HTTP_AUTH_TOKEN), or bind micronaut.server.host",
                "*  (MICRONAUT_SERVER_HOST) to 127.0.0.1.",
                "************************************************************************************************"));
    }

    private static String where(@Nullable String host, int port) {
        return (host == null || host.isBlank() ? "every interface" : host.trim()) + " port " + port;
    }

    /** Whether the bind address is loopback, decided without a DNS look-up: only literals and "localhost" are. */
    public static boolean isLoopback(@Nullable String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost") || h.equals("localhost.")) {
            return true;
        }
        if (!IPV4.matcher(h).matches() && !(h.contains(":") && h.matches("[0-9a-f:.]+"))) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
