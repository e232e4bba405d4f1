package io.tlsrpt.collector.store;

/**
 * Which reports a view counts: all of them, or only those that passed DKIM (RFC 8460 §3) and only those about
 * this collector's own domains (RFC 8460 §7). Both switches start off, so that nothing disappears unasked.
 */
public record Visibility(boolean authenticatedOnly, boolean ownDomainsOnly) {
    public static final Visibility ALL = new Visibility(false, false);

    /** The view_mode of the *_total roll-ups (schema V6): 0 all, 1 only authenticated, 2 only own domains, 3 both. */
    int mode() {
        return (authenticatedOnly ? 1 : 0) | (ownDomainsOnly ? 2 : 0);
    }

    /** The view_modes in which a report with these flags counts: every mode whose conditions it meets. */
    static int[] modesOf(boolean authenticated, boolean foreign) {
        return java.util.stream.IntStream.range(0, 4)
                .filter(m -> ((m & 1) == 0 || authenticated) && ((m & 2) == 0 || !foreign)).toArray();
    }

    /** The SQL condition, starting with " AND", over a table (alias) that has both flag columns. */
    String sql(String alias) {
        String prefix = alias == null || alias.isEmpty() ? "" : alias + ".";
        return (authenticatedOnly ? " AND " + prefix + "authenticated = TRUE" : "")
                + (ownDomainsOnly ? " AND " + prefix + "foreign_domain = FALSE" : "");
    }
}
