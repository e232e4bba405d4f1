package io.tlsrpt.collector.store;

/** The DKIM verdict of a message as stored (status names as the dkim package gives them). */
public record DkimColumns(String status, String domain, String selector, Boolean alignedWithFrom,
                          Boolean alignedWithSubmitter, Boolean tlsrptService, String reason) {
    public static final DkimColumns NONE = new DkimColumns(null, null, null, null, null, null, null);
}
