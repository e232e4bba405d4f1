package io.tlsrpt.collector.report;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A grouping key for host names taken from reports ("mx-host", "receiving-mx-hostname", "policy-domain"). Store it
 * beside the name as sent, never instead of it: the original is what the sender said, and the page shows it.
 */
public final class HostNames {

    // dmarc-report-viewer/no-contact.json has mx-host ["mx: mx.server.com"]: a policy line pasted where the bare
    // pattern belongs (RFC 8460 §4.4 wants the pattern alone, RFC 8461 §3.2 writes the line as "mx: <pattern>").
    private static final Pattern MX_PREFIX = Pattern.compile("^mx:[ \\t]*");

    private HostNames() {
    }

    /**
     * Trimmed, lower-cased (Locale.ROOT: DNS names compare case-insensitively, RFC 4343), a leading literal "mx:"
     * and the spaces after it removed, and one trailing dot removed (the absolute form "mx.example." names the same
     * host). Null stays null. Wildcards ("*.example.com") and A-labels are left alone.
     */
    public static String normalize(String host) {
        if (host == null) {
            return null;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        h = MX_PREFIX.matcher(h).replaceFirst("");
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }
}
