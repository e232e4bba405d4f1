package io.tlsrpt.collector.store;

/**
 * Which reports a view counts: all of them, or only those that passed DKIM (RFC 8460 §3) and only those about
 * this collector's own domains (RFC 8460 §7). Both switches start off, so that nothing disappears unasked.
 */
public record Visibility(boolean authenticatedOnly, boolean ownDomainsOnly) {
    public static final Visibility ALL = new Visibility(false, false);

    /** The SQL condition, starting with " AND", over a table (alias) that has both flag columns. */
    String sql(String alias) {
        String prefix = alias == null || alias.isEmpty() ? "" : alias + ".";
        return (authenticatedOnly ? " AND " + prefix + "authenticated = TRUE" : "")
                + (ownDomainsOnly ? " AND " + prefix + "foreign_domain = FALSE" : "");
    }
}
