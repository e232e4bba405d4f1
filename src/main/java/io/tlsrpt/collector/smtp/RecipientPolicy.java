package io.tlsrpt.collector.smtp;

import java.util.List;
import java.util.Locale;

/**
 * Which RCPT TO addresses this collector accepts: exact addresses, or "@domain" for every address at a domain.
 * Compared case-insensitively (local parts of report addresses are case-insensitive in practice). An empty list
 * accepts any recipient.
 */
public final class RecipientPolicy {
    private final List<String> entries;

    public RecipientPolicy(List<String> entries) {
        this.entries = entries.stream().map(String::trim).filter(e -> !e.isEmpty())
                .map(e -> e.toLowerCase(Locale.ROOT)).toList();
    }

    public boolean acceptsAny() {
        return entries.isEmpty();
    }

    public boolean accepts(String address) {
        if (entries.isEmpty()) {
            return true;
        }
        String a = address == null ? "" : address.trim().toLowerCase(Locale.ROOT);
        int at = a.lastIndexOf('@');
        String domainPart = at >= 0 ? a.substring(at) : null;
        for (String e : entries) {
            if (e.startsWith("@") ? e.equals(domainPart) : e.equals(a)) {
                return true;
            }
        }
        return false;
    }
}
