package io.tlsrpt.collector.mail;

import jakarta.mail.Part;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@link MessageFacts} from a message's header. */
final class FactsReader {

    /**
     * RFC 8460 §5.3 tlsrpt-subject: {@code Report FWS Domain: FWS domain FWS Submitter: FWS domain FWS
     * Report-ID: FWS <id>}. Searched for rather than matched, so that a "Fwd: " or "[EXTERNAL] " prefix added
     * on the way does not hide it. FWS is any run of white space, as the subject may be folded (mail-auth
     * rpt01.eml folds it over three lines; Mail.ru over four).
     */
    private static final Pattern SUBJECT = Pattern.compile(
            "Report\\s+Domain:\\s+(\\S+)\\s+Submitter:\\s+(\\S+)\\s+Report-ID:\\s+(\\S+)");

    private FactsReader() {
    }

    static MessageFacts read(Part message) {
        String subject = PartHeaders.text(message, "Subject");
        String domain = null;
        String submitter = null;
        String reportId = null;
        Matcher m = subject == null ? null : SUBJECT.matcher(subject);
        if (m != null && m.find()) {
            domain = m.group(1);
            submitter = m.group(2);
            reportId = reportId(m.group(3));
        }
        return new MessageFacts(
                PartHeaders.text(message, "TLS-Report-Domain"),
                PartHeaders.text(message, "TLS-Report-Submitter"),
                subject,
                PartHeaders.text(message, "From"),
                PartHeaders.text(message, "Message-ID"),
                PartHeaders.text(message, "Date"),
                domain, submitter, reportId);
    }

    /**
     * True when the header has at least one of the fields every e-mail has: From and Date (RFC 5322 §3.6),
     * MIME-Version and Content-Type (RFC 2045 §4, §5). Angus takes any line as a header field, even binary
     * garbage or a bare JSON document, so this is how "not an e-mail at all" shows.
     */
    static boolean looksLikeMessage(Part message) {
        return PartHeaders.first(message, "From") != null || PartHeaders.first(message, "Date") != null
                || PartHeaders.first(message, "MIME-Version") != null
                || PartHeaders.first(message, "Content-Type") != null;
    }

    /**
     * The Report-ID without its angle brackets. Microsoft sends it with none (and no "@"):
     * {@code Report-ID: 133708152202987951+krvtz.net} (RFC 8460 §5.3 requires {@code <id-left@id-right>}).
     */
    private static String reportId(String raw) {
        String id = raw;
        if (id.startsWith("<")) {
            id = id.substring(1);
        }
        int close = id.indexOf('>');
        if (close >= 0) {
            id = id.substring(0, close);
        }
        return id.isEmpty() ? null : id;
    }
}
