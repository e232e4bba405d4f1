package io.tlsrpt.collector.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.util.Objects;
import java.util.Properties;

/**
 * Finds the TLS reports (RFC 8460 §5.3) in a raw e-mail: the report part of a
 * {@code multipart/report; report-type=tlsrpt}, a report that is the whole message, attachments of any media type
 * whose bytes or file name say report, zip archives of reports, and forwarded report e-mails. Thread-safe.
 *
 * <p>{@link #find(byte[])} never throws for any input: what cannot be read becomes a {@link PartProblem}.
 */
public final class ReportFinder {
    private static final String STREAM_PROVIDER = "jakarta.mail.util.StreamProvider";

    /**
     * Angus reads only mail.mime.allowutf8 (and address strictness, unused here) from the Session when parsing;
     * the multipart leniencies are System properties in Angus and are fixed in {@link LenientMultipart}.
     */
    private static final Session SESSION = Session.getInstance(sessionProperties());

    /**
     * jakarta.mail 2.1 looks up its {@code StreamProvider} for every multipart and every part's headers
     * ({@code FactoryFinder}: the system property first, then a ServiceLoader scan of the whole class path;
     * jakartaee/mail-api#699). Naming Angus's provider in the property skips the scan: one thread's
     * {@code find} rose from about 1,000 to 3,300 messages/s on the test class path (BENCHMARKS.md). A provider
     * someone named on the command line is left alone.
     */
    static {
        if (System.getProperty(STREAM_PROVIDER) == null) {
            System.setProperty(STREAM_PROVIDER, "org.eclipse.angus.mail.util.MailStreamProvider");
        }
    }

    private final MailLimits limits;

    public ReportFinder(MailLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * The reports in {@code rawMessage}, in a stable order: the same bytes always give the same list, so report
     * i can be found again later. Parts is empty when nothing report-like was found.
     */
    public FoundReports find(byte[] rawMessage) {
        byte[] raw = rawMessage == null ? new byte[0] : rawMessage;
        MessageWalker walker = new MessageWalker(limits, SESSION);
        try {
            int start = MboxFromLine.skip(raw);
            walker.walk(new TrackedInput(raw, start, raw.length - start));
        } catch (MessagingException | RuntimeException e) {
            walker.messageProblem("unreadable message: " + Reasons.of(e));
        }
        MessageFacts facts = walker.facts();
        // A report forwarded as an attachment: its own header tells whose report it is.
        if (facts.tlsReportDomain() == null && walker.innerFacts() != null) {
            facts = walker.innerFacts();
        }
        return new FoundReports(facts, walker.parts(), walker.problems());
    }

    /**
     * A report that arrived on its own rather than in an e-mail: posted over HTTPS (RFC 8460 §5.4) or imported from
     * a .json, .json.gz or .zip file. The same sniffing, zip handling and limits as for a part of a message.
     */
    public FoundReports findBare(byte[] body, String fileName, String declaredType) {
        byte[] bytes = body == null ? new byte[0] : body;
        MessageWalker walker = new MessageWalker(limits, SESSION);
        try {
            Format format = ReportSniffer.sniffContent(bytes);
            if (format == null) {
                walker.problem(0, fileName, "content is not gzip, zip or JSON (" + Reasons.firstBytes(bytes) + ")");
            } else if (format == Format.ZIP) {
                ZipReports.add(walker, 0, fileName, declaredType, bytes, true);
            } else {
                walker.report(fileName, declaredType, format, bytes, null);
            }
        } catch (RuntimeException e) {
            walker.problem(0, fileName, "unreadable report: " + Reasons.of(e));
        }
        return new FoundReports(MessageFacts.none(), walker.parts(), walker.problems());
    }

    private static Properties sessionProperties() {
        Properties properties = new Properties();
        // Header fields may carry raw UTF-8 (RFC 6532 §3); without this Angus reads them as ISO-8859-1.
        properties.setProperty("mail.mime.allowutf8", "true");
        return properties;
    }
}
