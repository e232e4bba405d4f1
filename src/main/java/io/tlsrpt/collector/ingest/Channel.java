package io.tlsrpt.collector.ingest;

import io.tlsrpt.collector.mail.FoundReports;
import io.tlsrpt.collector.mail.ReportFinder;

/**
 * How a raw message arrived, which decides how it is read: e-mails (SMTP, IMAP, an imported .eml or mbox message)
 * are searched for report parts and their DKIM signature is judged; a bare report (an HTTPS POST, RFC 8460 §5.4,
 * or an imported .json, .json.gz or .zip file) is the report itself and carries no signature.
 */
public final class Channel {
    public static final String SMTP = "smtp";
    public static final String IMAP = "imap";
    public static final String HTTPS = "https";
    /** An imported e-mail whose DKIM signature is judged like a new one. */
    public static final String IMPORT = "import";
    /** An imported e-mail whose DKIM is recorded as not judged: old mail is signed with keys rotated since. */
    public static final String IMPORT_UNJUDGED = "import-unjudged";
    /** An imported report file (.json, .json.gz, .zip). */
    public static final String FILE = "file";

    private Channel() {
    }

    static boolean isBareReport(String channel) {
        return HTTPS.equals(channel) || FILE.equals(channel);
    }

    static boolean judgesDkim(String channel) {
        return !isBareReport(channel) && !IMPORT_UNJUDGED.equals(channel);
    }

    static FoundReports find(ReportFinder finder, String channel, byte[] raw) {
        return isBareReport(channel) ? finder.findBare(raw, null, null) : finder.find(raw);
    }
}
