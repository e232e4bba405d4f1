package io.tlsrpt.collector.web.security;

import io.tlsrpt.collector.config.HttpAuthSettings;

import java.util.ArrayList;
import java.util.List;

/**
 * The paths of {@code tlsrpt.http.auth.open-paths} that need no login: an entry is an exact path ({@code /health})
 * or a prefix ending in {@code /**} ({@code /tlsrpt/**} opens {@code /tlsrpt} and everything below it).
 *
 * <p>Only a plain path can be open: one with a {@code .} or {@code ..} segment, an empty segment, a percent escape,
 * a backslash or a {@code ;} never is, so that {@code /health/../api/stats} cannot pass as {@code /health}.
 */
public final class OpenPaths {
    private final List<String> entries;
    private final List<String> exact;
    private final List<String> prefixes;

    /**
     * The open paths of the settings plus the path HTTPS reports are posted to ({@code tlsrpt.http.report-path}),
     * which is open whatever {@code open-paths} says: RFC 8460 §5.4 senders post without a login.
     */
    static OpenPaths of(HttpAuthSettings settings, String reportPath) {
        List<String> entries = new ArrayList<>(settings.openPaths());
        if (reportPath != null && !reportPath.isBlank()) {
            String p = reportPath.trim().startsWith("/") ? reportPath.trim() : "/" + reportPath.trim();
            if (!entries.contains(p)) {
                entries.add(p);
            }
        }
        return new OpenPaths(entries);
    }

    public OpenPaths(List<String> entries) {
        this.entries = List.copyOf(entries);
        this.exact = entries.stream().filter(e -> !e.endsWith("/**")).map(OpenPaths::strip).toList();
        this.prefixes = entries.stream().filter(e -> e.endsWith("/**"))
                .map(e -> strip(e.substring(0, e.length() - 3))).toList();
    }

    public boolean isOpen(String path) {
        if (path == null || !plain(path)) {
            return false;
        }
        if (exact.contains(path)) {
            return true;
        }
        for (String p : prefixes) {
            if (path.equals(p) || path.startsWith(p + "/")) {
                return true;
            }
        }
        return false;
    }

    static boolean plain(String path) {
        if (!path.startsWith("/") || path.contains("%") || path.contains("\\") || path.contains(";")
                || path.contains("//")) {
            return false;
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static String strip(String entry) {
        String e = entry.startsWith("/") ? entry : "/" + entry;
        return e.length() > 1 && e.endsWith("/") ? e.substring(0, e.length() - 1) : e;
    }

    @Override
    public String toString() {
        return String.join(", ", entries);
    }
}
